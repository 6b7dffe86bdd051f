import type { Client } from '@temporalio/client';
import { COST_USD, SERVICE, STAGE, queryString } from '../../workflows/domain/search-attributes';
import type { Stage } from '../../workflows/domain/types';

/**
 * What this deployment's runs (WORKFLOW_ID_PREFIX) started since `since` spent on Claude Code, in
 * all and for `service`, from the BugfixCostUsd search attribute each run sets once it has a fix.
 */
export async function claudeSpend(
  client: Client,
  prefix: string,
  input: { service: string; since: string },
): Promise<{ totalUsd: number; serviceUsd: number; runs: number }> {
  let totalUsd = 0;
  let serviceUsd = 0;
  let runs = 0;
  // A run that continued as new carries its cost into each execution: count only the chain's last.
  const query = `WorkflowId STARTS_WITH ${queryString(`${prefix}-`)} AND BugfixCostUsd > 0 AND StartTime >= ${queryString(input.since)} AND ExecutionStatus != "ContinuedAsNew"`;
  for await (const run of client.workflow.list({ query })) {
    const cost = run.typedSearchAttributes.get(COST_USD) ?? 0;
    totalUsd += cost;
    if (run.typedSearchAttributes.get(SERVICE) === input.service) serviceUsd += cost;
    runs++;
  }
  return { totalUsd, serviceUsd, runs };
}

/** How the latest earlier run of this error (same workflow id) ended, and when. */
export async function previousAttempt(
  client: Client,
  input: { workflowId: string; currentRunId: string },
): Promise<{ stage: Stage; closedAt: string } | undefined> {
  let latest: { stage: Stage; closedAt: string } | undefined;
  const query = `WorkflowId = ${queryString(input.workflowId)} AND ExecutionStatus != "Running"`;
  for await (const run of client.workflow.list({ query })) {
    const stage = run.typedSearchAttributes.get(STAGE) as Stage | undefined;
    if (run.runId === input.currentRunId || !stage || !run.closeTime) continue;
    const closedAt = run.closeTime.toISOString();
    if (!latest || closedAt > latest.closedAt) latest = { stage, closedAt };
  }
  return latest;
}
