import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Decision, OccurrenceBatch, RecordedDecision } from './types';
import type { RunStatus } from './bugfix-status';

/**
 * Every message a run accepts, in one module shared by the ingress (which sends
 * them) and the workflow (which handles them), so the names cannot drift.
 */

/** New sightings of the run's error; sent with signal-with-start by the Datadog webhook. */
export const occurrencesSignal = defineSignal<[OccurrenceBatch]>('occurrences');

/** The human decision from a Slack button or the CLI. Rejected (validator) when already decided or not awaiting. */
export const decideUpdate = defineUpdate<RecordedDecision, [Decision]>('decide');

/** Everything the Slack message, the CLI and the Web UI show about a run. */
export const statusQuery = defineQuery<RunStatus>('status');
