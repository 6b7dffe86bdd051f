import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { RunStatus } from '../../workflows/domain/run-status';
import { statusQuery } from '../../workflows/domain/messages';
import type { Config } from '../platform/config/load-config';
import { noPollSince, workerPresence, type WorkerPresence } from '../platform/worker-presence';
import { describeRun } from './history';
import { uiLink } from './context';
import { readServerView, type ServerView } from './server-view';
import { grpcCause, noPollerSeen } from '../platform/grpc-status';

export interface RunView {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: string;
  /**
   * Where the run's state came from: its status query (a worker answered), its result (completed),
   * or, with no worker answering, the Temporal server alone (`server`: search attributes, memo, history).
   */
  source: 'query' | 'result' | 'server';
  status?: RunStatus;
  /** With source `server`: what the server recorded. */
  server?: ServerView;
  /** With source `server`: why no worker answered, in one sentence, and since when none polls. */
  noAnswer?: string;
  /** With source `server`: the pollers of the run's task queue (absent when it could not be described). */
  worker?: WorkerPresence;
  runUrl: string;
  /** Why the run closed, when Temporal says (failure message, termination reason). */
  closedBecause?: string;
}

/** How long the status query may take before the server's own record is shown instead. */
export const QUERY_DEADLINE_MS = 5_000;

/**
 * What a run knows. A running run answers the status query. A completed run's result is its
 * final status. Any other closed run is queried too (a worker replays it to answer). When no
 * worker polls the run's task queue, or none answers within `queryDeadlineMs`, the view is what
 * the server alone recorded (server-view.ts), with why no worker answered.
 */
export async function readRunStatus(
  client: Client,
  config: Config,
  workflowId: string,
  runId?: string,
  opts: { queryDeadlineMs?: number } = {},
): Promise<RunView> {
  const d = await describeRun(client, workflowId, runId);
  const handle = client.workflow.getHandle(d.workflowId, d.runId, { followRuns: false });
  const base = {
    workflowId: d.workflowId,
    runId: d.runId,
    execution: d.status.name,
    runUrl: uiLink(config, d.workflowId, d.runId),
  };
  if (d.status.name === 'COMPLETED') {
    const status = (await handle.result()) as RunStatus;
    return { ...base, source: 'result', status, runUrl: status.runUrl };
  }
  const closedBecause = d.status.name === 'RUNNING' ? undefined : await closeReason(handle.result(), d);
  const closed = closedBecause ? { closedBecause } : {};
  const deadlineMs = opts.queryDeadlineMs ?? QUERY_DEADLINE_MS;
  // Asking whether anyone polls is one quick call; waiting on a query nobody can answer is the deadline.
  const presence = await workerPresence(client, d.taskQueue, { deadlineMs }).catch((err: Error) => err);
  const worker = presence instanceof Error ? undefined : presence;
  let why: string;
  if (worker?.pollers === 0) {
    why = `No worker answered: ${worker.message}.`;
  } else {
    try {
      const status = await client.withDeadline(Date.now() + deadlineMs, () => handle.query(statusQuery));
      return { ...base, source: 'query', status, runUrl: status.runUrl, ...closed };
    } catch (err) {
      why = unanswered(err, deadlineMs, presence);
    }
  }
  const next =
    d.status.name === 'RUNNING'
      ? 'The run moves again once a worker polls (`npm start`, or `npm run worker`).'
      : 'A worker replays a closed run to answer (`npm start`, or `npm run worker`).';
  return {
    ...base,
    source: 'server',
    server: await readServerView(client, d),
    noAnswer: `${why} ${next} Below is what the Temporal server recorded.`,
    ...(worker ? { worker } : {}),
    ...closed,
  };
}

/** Why the query got no answer, or rethrows what is not about the worker (no such run, no server). */
function unanswered(err: unknown, deadlineMs: number, presence: WorkerPresence | Error): string {
  const grpc = grpcCause(err);
  const code = grpc?.code;
  if (err instanceof WorkflowNotFoundError || [5, 7, 14, 16].includes(code ?? -1)) throw err;
  // The server's own verdict when the task queue had no poll lately (FAILED_PRECONDITION).
  if (noPollerSeen(grpc))
    return `No worker answered: ${
      presence instanceof Error
        ? "no worker has polled the run's task queue recently"
        : noPollSince(presence, Date.now())
    }, and Temporal too has seen no poller lately: the worker may be down.`;
  if (code !== 1 && code !== 4)
    return `The worker could not answer the status query (${(err as Error).message}${grpc ? `: ${grpc.details}` : ''}).`;
  const within = `No worker answered within ${Math.round(deadlineMs / 100) / 10} s`;
  if (presence instanceof Error)
    return `${within} (the task queue could not be described: ${grpcCause(presence)?.details ?? presence.message}).`;
  return `${within}: ${presence.message}; it may have just stopped (a stopped worker is listed for about a minute), or be busy or failing this run's tasks.`;
}

async function closeReason(result: Promise<unknown>, d: WorkflowExecutionDescription): Promise<string | undefined> {
  try {
    await result;
    return undefined;
  } catch (err) {
    let e: unknown = err;
    const messages: string[] = [];
    while (e instanceof Error) {
      messages.push(e.message);
      e = e.cause;
    }
    // The first message is the SDK's generic "Workflow execution failed".
    return (
      messages
        .slice(messages.length > 1 ? 1 : 0)
        .filter(Boolean)
        .join(': ') || d.status.name
    );
  }
}
