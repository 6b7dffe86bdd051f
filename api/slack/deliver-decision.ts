import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { decideUpdate } from '../../workflows/domain/messages';
import { ApplicationFailure } from '@temporalio/common';
import type { Decision, RecordedDecision } from '../../workflows/domain/types';
import { DecisionRefusalType } from '../../workflows/domain/failures';
import { workerPresence } from '../../infra/platform/worker-presence';
import { grpcCause, noPollerSeen } from '../../infra/platform/grpc-status';

/** How long the presence check before a decision may take (Slack has been answered already). */
const PRESENCE_DEADLINE_MS = 3_000;
/** A decision not taken by then is said to the clicker as not confirmed yet. */
export const DECISION_DEADLINE_MS = 30_000;
/** How long a decision no worker takes is kept being sent (Slack's response_url lives 30 min). */
export const DECISION_GIVE_UP_MS = 15 * 60_000;

type Outcome = { taken: true } | { taken: false; err: unknown };

/**
 * Sends a Slack decision to its run as the `decide` update and tells the clicker, through `say`,
 * whatever they did not see happen: no worker to take it, not confirmed yet, taken late, refused.
 *
 * An update is only durable once a worker accepts it; until then Temporal keeps it in memory and the
 * caller must keep asking (a workflow task that fails on a restarting worker drops it). So a slow
 * decision is not cancelled at the confirmation deadline: it is sent until taken or DECISION_GIVE_UP_MS.
 */
export async function deliverDecision(
  deps: {
    client: Client;
    taskQueue: string;
    log: (entry: Record<string, unknown>) => void;
    say: (text: string) => Promise<void>;
    /** Aborted when the ingress shuts down before a worker took the decision. */
    stopping?: AbortSignal;
  },
  workflowId: string,
  decision: Decision,
): Promise<void> {
  const { client, log, say, stopping = new AbortController().signal } = deps;
  const who = { workflowId, userId: decision.userId };
  const worker = await workerPresence(client, deps.taskQueue, { deadlineMs: PRESENCE_DEADLINE_MS }).catch(
    () => undefined,
  );
  if (worker?.pollers === 0) {
    log({ msg: 'decision not sent: no worker', ...who, worker: worker.message });
    return say(
      `Nothing was recorded: no worker is running the pipeline (${worker.message}). ` +
        'Click again once one is back; on-call starts it with `npm run worker`.',
    );
  }
  const clicked = Date.now();
  const outcome: Promise<Outcome> = client
    .withAbortSignal(stopping, () =>
      client.withDeadline(clicked + DECISION_GIVE_UP_MS, () =>
        client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [decision] }),
      ),
    )
    .then(
      () => ({ taken: true }) as const,
      (err: unknown) => ({ taken: false, err }) as const,
    );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), DECISION_DEADLINE_MS)));
  const first = await Promise.race([outcome, late]);
  clearTimeout(timer);

  if (first !== 'late') {
    if (first.taken) return log({ msg: 'decision delivered', ...who, approved: decision.approved });
    return say(notApplied(first.err, decision, stopping, log, who));
  }
  log({ msg: 'decision not confirmed in time', ...who });
  await say(
    `Your decision was not confirmed within ${DECISION_DEADLINE_MS / 1000} s: no worker has taken it yet. ` +
      `It is sent again until one does (for ${DECISION_GIVE_UP_MS / 60_000} min) and you will be told here; ` +
      'clicking again is safe (a run takes one decision).',
  );
  const final = await outcome;
  if (final.taken) {
    const after = Math.round((Date.now() - clicked) / 1000);
    log({ msg: 'decision delivered', ...who, approved: decision.approved, afterSeconds: after });
    return say(`Your ${decision.approved ? 'approval' : 'rejection'} was recorded, ${after} s after your click.`);
  }
  return say(notApplied(final.err, decision, stopping, log, who));
}

function notApplied(
  err: unknown,
  decision: Decision,
  stopping: AbortSignal,
  log: (entry: Record<string, unknown>) => void,
  who: object,
): string {
  if (stopping.aborted) {
    log({ msg: 'decision not taken before the ingress stopped', ...who });
    return (
      'The ingress was shut down (a restart or a deploy) before a worker confirmed your decision, so it may not be ' +
      'recorded. Click again in a moment (safe: a run takes one decision).'
    );
  }
  if (notTaken(err)) {
    log({ msg: 'decision not taken', ...who });
    return (
      'No worker confirmed your decision, so it may not be recorded. ' +
      'Click again once a worker runs (safe: a run takes one decision); `bugfix status <workflowId>` says whether ' +
      'one polls and what the run recorded, and on-call starts one with `npm run worker`.'
    );
  }
  const mine = ownAnswer(err, decision);
  if (mine) {
    log({ msg: 'decision already recorded', ...who, at: mine.at });
    return `Your ${mine.approved ? 'approval' : 'rejection'} is recorded (at ${mine.at}); nothing more to do.`;
  }
  const why = err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
  log({ msg: 'decision not applied', ...who, reason: why });
  return `Your decision was not applied: ${why}`;
}

/** The run had this clicker's same answer already (a click made again, or delivered late): no refusal to them. */
function ownAnswer(err: unknown, decision: Decision): RecordedDecision | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== DecisionRefusalType.AlreadyAnswered) return undefined;
  const answered = cause.details?.[0] as RecordedDecision | undefined;
  return answered?.userId === decision.userId && answered.approved === decision.approved ? answered : undefined;
}

/**
 * The update was not taken in time: the SDK's own timeout, or the deadline as gRPC reports it
 * (1 cancelled, 4 deadline exceeded), or the server's "no poller seen" (9) when no worker polls.
 */
function notTaken(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const grpc = grpcCause(err);
  return grpc?.code === 1 || grpc?.code === 4 || noPollerSeen(grpc);
}
