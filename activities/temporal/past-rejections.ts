import type { Client } from '@temporalio/client';
import type { RunStatus } from '../../workflows/domain/run-status';
import { queryString } from '../../workflows/domain/search-attributes';

/**
 * Reasons humans gave when they rejected earlier runs of the same error (same workflow id),
 * oldest first, so the next attempt is told what not to do again.
 */
export async function pastRejections(
  client: Client,
  input: { workflowId: string; currentRunId: string },
  limit = 10,
): Promise<string[]> {
  const runs: string[] = [];
  for await (const execution of client.workflow.list({
    query: `WorkflowId = ${queryString(input.workflowId)} AND ExecutionStatus = "Completed"`,
  })) {
    if (execution.runId !== input.currentRunId) runs.push(execution.runId);
    if (runs.length >= limit) break;
  }
  const reasons: { at: string; reason: string }[] = [];
  for (const runId of runs) {
    const result = (await client.workflow.getHandle(input.workflowId, runId, { followRuns: false }).result()) as
      RunStatus | undefined;
    const decision = result?.decision;
    if (decision && !decision.approved && decision.reason)
      reasons.push({ at: decision.at, reason: `${decision.userName}: ${decision.reason}` });
  }
  return reasons.sort((a, b) => a.at.localeCompare(b.at)).map((r) => r.reason);
}
