import type { Client } from '@temporalio/client';
import { debtScanScheduleId, type DebtScan } from '../../workflows/domain/debt';
import { queryString } from '../../workflows/domain/search-attributes';

/** Completed scans read at most, newest first: a weekly scan makes about fifty a year. */
const SCAN_CAP = 500;

/**
 * The last completed scan of `repository` in this deployment, from Temporal itself (visibility, then the
 * run's result): no store of its own. A scan of another repository whose name extends this one
 * (`shop` and `shop-api`) shares the id prefix, so the result's own repository decides.
 */
export async function previousDebtScan(
  client: Client,
  prefix: string,
  input: { repository: string; workflowId: string },
): Promise<DebtScan | undefined> {
  const query = [
    `WorkflowType = 'debtScanWorkflow'`,
    `WorkflowId STARTS_WITH ${queryString(`${debtScanScheduleId(prefix, input.repository)}-`)}`,
    `ExecutionStatus = "Completed"`,
    `WorkflowId != ${queryString(input.workflowId)}`,
  ].join(' AND ');
  const runs: { workflowId: string; runId: string; closedAt: number }[] = [];
  for await (const w of client.workflow.list({ query, pageSize: 100 })) {
    runs.push({ workflowId: w.workflowId, runId: w.runId, closedAt: w.closeTime?.getTime() ?? 0 });
    if (runs.length >= SCAN_CAP) break;
  }
  runs.sort((a, b) => b.closedAt - a.closedAt);
  for (const run of runs) {
    const result = (await client.workflow.getHandle(run.workflowId, run.runId, { followRuns: false }).result()) as
      DebtScan | undefined;
    if (result?.repository === input.repository) return result;
  }
  return undefined;
}
