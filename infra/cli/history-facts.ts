import type { History } from '@temporalio/common/lib/proto-utils';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { num, stageUpserts, type HistoryEvent } from './history';

/** What a run's history says about its progress, read without any worker. */
export interface HistoryFacts {
  /** The stages it entered (its BugfixStage upserts), oldest first. */
  timeline: { stage: string; at: string }[];
  /** The last activity that finished, and how. */
  lastActivity?: { name: string; outcome: 'completed' | 'failed' | 'timed out' | 'cancelled'; at: string };
  /** The last workflow task a worker completed: when the run last moved, and on which worker. */
  lastWorkflowTask?: { at: string; worker?: string };
  /** Signals and updates it received, newest last; `handled`: a workflow task has run since (signals) or it completed (updates). */
  received: { kind: 'signal' | 'update'; name: string; at: string; handled: boolean }[];
  events: number;
}

const MAX_RECEIVED = 10;

export function historyFacts(history: History): HistoryFacts {
  const events = history.events ?? [];
  const names = new Map<number, string>();
  const updates = new Map<string, { name: string; at: string; handled: boolean }>();
  const received: HistoryFacts['received'] = [];
  let lastActivity: HistoryFacts['lastActivity'];
  let lastWorkflowTask: HistoryFacts['lastWorkflowTask'];
  for (const e of events) {
    const at = iso(e);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) names.set(num(e.eventId), scheduled.activityType?.name ?? '?');
    const finished = activityEnd(e);
    if (finished) lastActivity = { name: names.get(finished.scheduledEventId) ?? '?', outcome: finished.outcome, at };
    if (e.workflowTaskCompletedEventAttributes) {
      const worker = e.workflowTaskCompletedEventAttributes.identity || undefined;
      lastWorkflowTask = { at, ...(worker ? { worker } : {}) };
      for (const r of received) if (r.kind === 'signal') r.handled = true;
    }
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal) received.push({ kind: 'signal', name: signal.signalName ?? '?', at, handled: false });
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (accepted?.meta?.updateId) {
      const u = { kind: 'update' as const, name: accepted.input?.name ?? '?', at, handled: false };
      updates.set(accepted.meta.updateId, u);
      received.push(u);
    }
    const completed = e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId;
    if (completed && updates.has(completed)) updates.get(completed)!.handled = true;
  }
  return {
    timeline: stageUpserts(history).map(({ stage, event }) => ({ stage, at: iso(event) })),
    ...(lastActivity ? { lastActivity } : {}),
    ...(lastWorkflowTask ? { lastWorkflowTask } : {}),
    received: received.slice(-MAX_RECEIVED),
    events: events.length,
  };
}

function activityEnd(
  e: HistoryEvent,
): { scheduledEventId: number; outcome: NonNullable<HistoryFacts['lastActivity']>['outcome'] } | undefined {
  const ends = [
    [e.activityTaskCompletedEventAttributes, 'completed'],
    [e.activityTaskFailedEventAttributes, 'failed'],
    [e.activityTaskTimedOutEventAttributes, 'timed out'],
    [e.activityTaskCanceledEventAttributes, 'cancelled'],
  ] as const;
  for (const [attrs, outcome] of ends) if (attrs) return { scheduledEventId: num(attrs.scheduledEventId), outcome };
  return undefined;
}

function iso(e: HistoryEvent): string {
  const ms = optionalTsToMs(e.eventTime);
  return ms === undefined ? '' : new Date(ms).toISOString();
}
