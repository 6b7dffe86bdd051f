import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import type { RunStatus } from '../../workflows/domain/run-status';
import { statusQuery } from '../../workflows/domain/messages';
import type { Config } from '../platform/config/load-config';
import { describeRun } from './history';
import { uiLink } from './context';

export interface RunView {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: string;
  /** Where `status` came from. */
  source: 'query' | 'result' | 'none';
  status?: RunStatus;
  runUrl: string;
  /** Why the run closed, when Temporal says (failure message, termination reason). */
  closedBecause?: string;
}

const QUERY_DEADLINE_MS = 10_000;

/**
 * What a run knows. A running run answers the status query. A completed run's result is its
 * final status. Any other closed run is queried too (a worker replays it to answer), and when
 * no worker answers in time only what Temporal itself recorded is shown.
 */
export async function readRunStatus(
  client: Client,
  config: Config,
  workflowId: string,
  runId?: string,
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
  try {
    const query = () => handle.query(statusQuery);
    const status =
      d.status.name === 'RUNNING' ? await query() : await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, query);
    return { ...base, source: 'query', status, runUrl: status.runUrl, ...(closedBecause ? { closedBecause } : {}) };
  } catch (err) {
    if (d.status.name === 'RUNNING') throw err;
    return { ...base, source: 'none', ...(closedBecause ? { closedBecause } : {}) };
  }
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
