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
  return spendOf(await spendSince(client, prefix, input.since), input.service);
}

interface DaySpend {
  totalUsd: number;
  byService: Map<string, number>;
  runs: number;
}

/**
 * `claudeSpend`, with the calls that arrive while a listing is under way answered by that listing:
 * it reads every run of the day, so a burst of runs reaching the budget check reads them once
 * rather than once each (the answer is then as old as the listing: visibility lags as much).
 */
export function sharedClaudeSpend(client: Client, prefix: string) {
  const inFlight = new Map<string, Promise<DaySpend>>();
  return async (input: { service: string; since: string }) => {
    let listing = inFlight.get(input.since);
    if (!listing) {
      listing = spendSince(client, prefix, input.since).finally(() => inFlight.delete(input.since));
      inFlight.set(input.since, listing);
    }
    return spendOf(await listing, input.service);
  };
}

async function spendSince(client: Client, prefix: string, since: string): Promise<DaySpend> {
  const day: DaySpend = { totalUsd: 0, byService: new Map(), runs: 0 };
  // A run that continued as new carries its cost into each execution: count only the chain's last.
  const query = `WorkflowId STARTS_WITH ${queryString(`${prefix}-`)} AND BugfixCostUsd > 0 AND StartTime >= ${queryString(since)} AND ExecutionStatus != "ContinuedAsNew"`;
  for await (const run of client.workflow.list({ query })) {
    const cost = run.typedSearchAttributes.get(COST_USD) ?? 0;
    const service = run.typedSearchAttributes.get(SERVICE) ?? '';
    day.totalUsd += cost;
    day.byService.set(service, (day.byService.get(service) ?? 0) + cost);
    day.runs++;
  }
  return day;
}

function spendOf(day: DaySpend, service: string) {
  return { totalUsd: day.totalUsd, serviceUsd: day.byService.get(service) ?? 0, runs: day.runs };
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
