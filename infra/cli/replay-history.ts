import path from 'node:path';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { History } from '@temporalio/common/lib/proto-utils';
import { defaultWorkflowsPath } from './workflows-path';
import { defaultPayloadConverter } from '@temporalio/common';
import { STAGE } from '../../workflows/domain/search-attributes';
import { num, type HistoryEvent } from './history';

export type ReplayOutcome =
  | { ok: true }
  | {
      ok: false;
      nondeterministic: boolean;
      /** Core's own line, e.g. `[TMPRL1100] Nondeterminism error: ... HistoryEvent(id: 6, UpsertWorkflowSearchAttributes)`. */
      detail: string;
      message: string;
      eventId?: number;
      eventType?: string;
      /** The activity of that event, when it is an activity event. */
      step?: string;
      /** The stage the run was in at that event. */
      stage?: string;
    };

let runtimeInstalled = false;

/** Replays `history` against the workflow code at `workflowsPath` (bundled now), and says where it diverged. */
export async function replayHistory(
  history: History,
  opts: { workflowsPath?: string; workflowId?: string } = {},
): Promise<ReplayOutcome> {
  if (!runtimeInstalled) {
    // The outcome is reported by the CLI; the worker's own warnings about the failed task would repeat it.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
    });
    runtimeInstalled = true;
  }
  try {
    await Worker.runReplayHistory(
      { workflowsPath: path.resolve(opts.workflowsPath ?? defaultWorkflowsPath) },
      history,
      opts.workflowId,
    );
    return { ok: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const detail = /\[TMPRL\d+\][^"]*/.exec(message)?.[0] ?? message;
    return {
      ok: false,
      nondeterministic: err instanceof DeterminismViolationError,
      detail,
      message,
      ...divergence(history, message),
    };
  }
}

/** Core names the event it could not match, e.g. `HistoryEvent(id: 11, ActivityTaskScheduled)`; say what that step was. */
export function divergence(
  history: History,
  message: string,
): { eventId?: number; eventType?: string; step?: string; stage?: string } {
  const match = /event[^0-9]{0,20}?id:?\s*(\d+)/i.exec(message);
  if (!match) return {};
  const eventId = Number(match[1]);
  const event = history.events?.find((e) => num(e.eventId) === eventId);
  if (!event) return { eventId };
  const step = stepOf(history, event);
  const stage = stageAt(history, eventId);
  return { eventId, eventType: eventTypeName(event), ...(step ? { step } : {}), ...(stage ? { stage } : {}) };
}

/** The last BugfixStage the run had upserted before `eventId`. */
function stageAt(history: History, eventId: number): string | undefined {
  let stage: string | undefined;
  for (const e of history.events ?? []) {
    if (num(e.eventId) >= eventId) break;
    const field = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[STAGE.name];
    if (field) stage = String(defaultPayloadConverter.fromPayload(field));
  }
  return stage;
}

function eventTypeName(e: HistoryEvent): string {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]);
  return key ? key.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase()) : 'Unknown';
}

/** The activity an event belongs to, when it is an activity event. */
function stepOf(history: History, e: HistoryEvent): string | undefined {
  const scheduled = e.activityTaskScheduledEventAttributes;
  if (scheduled) return scheduled.activityType?.name ?? undefined;
  const ref =
    e.activityTaskCompletedEventAttributes ??
    e.activityTaskStartedEventAttributes ??
    e.activityTaskFailedEventAttributes ??
    e.activityTaskTimedOutEventAttributes;
  const id = ref ? num(ref.scheduledEventId) : NaN;
  return (
    history.events?.find((x) => num(x.eventId) === id)?.activityTaskScheduledEventAttributes?.activityType?.name ??
    undefined
  );
}
