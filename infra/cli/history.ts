import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import type { BugfixInput } from '../../workflows/domain/run-status';
import type { OccurrenceBatch } from '../../workflows/domain/types';
import { occurrencesSignal } from '../../workflows/domain/messages';
import { STAGE } from '../../workflows/domain/search-attributes';
import { isStage } from './steps';
import { CliError, EXIT } from './errors';

export type HistoryEvent = NonNullable<History['events']>[number];
type Payloads = { payloads?: Parameters<typeof defaultPayloadConverter.fromPayload>[0][] | null } | null | undefined;

/** The latest run of `workflowId`, or the given one. */
export async function describeRun(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<WorkflowExecutionDescription> {
  return client.workflow.getHandle(workflowId, runId, { followRuns: false }).describe();
}

export async function fetchRunHistory(client: Client, workflowId: string, runId: string): Promise<History> {
  return client.workflow.getHandle(workflowId, runId, { followRuns: false }).fetchHistory();
}

/** Event ids arrive as protobuf Longs. */
export function num(v: number | { toString(): string } | null | undefined): number {
  return typeof v === 'number' ? v : Number(v?.toString() ?? NaN);
}

function decodeAll(p: Payloads): unknown[] {
  return (p?.payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload(payload));
}

/** The input the run was started with (the default data converter, as the ingress used). */
export function startedInput(history: History): BugfixInput {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const [input] = decodeAll(started?.input);
  if (!started || !input) throw new CliError('The run history has no WorkflowExecutionStarted input', EXIT.failure);
  return input as BugfixInput;
}

/** Every occurrences batch the run was sent, in order. */
export function recordedOccurrences(history: History): OccurrenceBatch[] {
  return (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === occurrencesSignal.name)
    .map((a) => decodeAll(a!.input)[0] as OccurrenceBatch);
}

type EventIdValue = NonNullable<
  NonNullable<HistoryEvent['activityTaskScheduledEventAttributes']>['workflowTaskCompletedEventId']
>;

export interface ResetPoint {
  /** The WorkflowTaskCompleted event to reset to. */
  eventId: number;
  /** The same id as the history carried it (a protobuf Long), for the reset request. */
  raw: EventIdValue;
  /** The event that scheduled the step's activity or entered its stage. */
  scheduledEventId: number;
}

/** Stage values the run upserted into BugfixStage, with the events that did it. */
export function stageUpserts(history: History): { stage: string; event: HistoryEvent }[] {
  return (history.events ?? []).flatMap((event) => {
    const field = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[STAGE.name];
    if (!field) return [];
    const value = defaultPayloadConverter.fromPayload<string | string[]>(field);
    return (Array.isArray(value) ? value : [value]).map((stage) => ({ stage, event }));
  });
}

/** The steps (activities and stages) this run went through, in order, for messages. */
export function stepsSeen(history: History): string[] {
  const seen = new Set<string>();
  for (const event of history.events ?? []) {
    const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (activity) seen.add(activity);
  }
  for (const { stage } of stageUpserts(history)) seen.add(stage);
  return [...seen];
}

/** The activities a reset to `point` makes run again (those scheduled after it), in order. */
export function stepsAfter(history: History, point: ResetPoint): string[] {
  const again = new Set<string>();
  for (const event of history.events ?? []) {
    const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (activity && num(event.eventId) > point.eventId) again.add(activity);
  }
  return [...again];
}

/**
 * Where to reset so that `step` runs again: the WorkflowTaskCompleted event of the
 * workflow task that first scheduled the activity (or entered the stage). Resetting
 * there discards that task's commands, so the workflow code decides them afresh.
 */
export function resetPointFor(history: History, step: string): ResetPoint | undefined {
  const events = history.events ?? [];
  const found = isStage(step)
    ? stageUpserts(history).find((u) => u.stage === step)?.event
    : events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === step);
  if (!found) return undefined;
  const attrs = found.activityTaskScheduledEventAttributes ?? found.upsertWorkflowSearchAttributesEventAttributes;
  const raw = attrs?.workflowTaskCompletedEventId;
  const eventId = num(raw);
  return raw && eventId > 0 ? { eventId, raw, scheduledEventId: num(found.eventId) } : undefined;
}
