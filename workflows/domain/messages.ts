import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Decision, ExternalEvent, OccurrenceBatch, RecordedDecision } from './types';
import type { RunStatus } from './run-status';
import type { RelatedError, TriageExample } from './triage';

/**
 * Every message a run accepts, in one module shared by the ingress (which sends
 * them) and the workflow (which handles them), so the names cannot drift.
 */

/** New sightings of the run's error; sent with signal-with-start by the Datadog webhook. */
export const occurrencesSignal = defineSignal<[OccurrenceBatch]>('occurrences');

/**
 * Several deliveries' sightings in one signal: the ingress coalesces concurrent deliveries of one error.
 * Each batch keeps its delivery id and counts once, exactly as if it had come as `occurrences`.
 */
export const occurrenceBatchesSignal = defineSignal<[OccurrenceBatch[]]>('occurrenceBatches');

/**
 * The human decision from a Slack button or the CLI: on the fix while it awaits approval,
 * on a revert after a regression. Rejected (validator) when nothing awaits a decision.
 */
export const decideUpdate = defineUpdate<RecordedDecision, [Decision]>('decide');

/** GitHub or Cursor told the ingress something about this run (webhook): look again now rather than at the next poll. */
export const externalEventSignal = defineSignal<[ExternalEvent]>('externalEvent');

/** Everything the Slack message, the CLI and the Web UI show about a run. */
export const statusQuery = defineQuery<RunStatus>('status');

/** A person's word on an error of a service (a correction or a decision): the triage memory keeps it. */
export const triageExampleSignal = defineSignal<[TriageExample]>('triageExample');

/** The triage memory's examples, newest first: the classifier's few-shot examples. */
export const triageExamplesQuery = defineQuery<TriageExample[]>('triageExamples');

/** A related fingerprint (same root cause) joins this run instead of paying for a fix of its own. */
export const relatedErrorSignal = defineSignal<[RelatedError]>('relatedError');
