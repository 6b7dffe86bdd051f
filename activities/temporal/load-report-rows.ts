import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { reportRowOf, type ReportRow } from '../../workflows/domain/report/report-row';
import type { RunStatus } from '../../workflows/domain/run-status';
import { CATEGORY, COST_USD, ERROR_TYPE, SERVICE, STAGE, queryString } from '../../workflows/domain/search-attributes';
import { ERROR_CATEGORIES } from '../../workflows/domain/triage';
import { DEBT_ERROR_TYPE } from '../../workflows/domain/debt';
import { FINAL_STAGES, type Stage } from '../../workflows/domain/types';

export interface LoadReportRowsOptions {
  /** WORKFLOW_ID_PREFIX: only this deployment's runs. */
  prefix: string;
  /** Runs whose execution started after this. */
  since: Date;
  /** At most this many rows, newest first (default 2000, at most 10 000). */
  limit?: number;
  /** Only runs of this service. */
  service?: string;
}

export const DEFAULT_REPORT_ROWS = 2000;
const MAX_ROWS = 10_000;
/** Executions read before sorting: visibility does not sort by start time for us. */
const SCAN_CAP = 20_000;
/** Older runs read from their result at once. */
const RESULT_READS = 8;

const ENDED: Partial<Record<string, NonNullable<ReportRow['ended']>>> = {
  TERMINATED: 'terminated',
  CANCELLED: 'cancelled',
  TIMED_OUT: 'timed-out',
  FAILED: 'failed',
};

/** The visibility query: this deployment's pipeline runs started after `since`. */
export function reportQuery(opts: Pick<LoadReportRowsOptions, 'prefix' | 'since' | 'service'>): string {
  return [
    `WorkflowType = 'bugfixWorkflow'`,
    `WorkflowId STARTS_WITH ${queryString(`${opts.prefix}-`)}`,
    `StartTime > ${queryString(opts.since.toISOString())}`,
    ...(opts.service ? [`${SERVICE.name} = ${queryString(opts.service)}`] : []),
  ].join(' AND ');
}

/**
 * The report rows of this deployment's runs, newest first, from visibility alone: each run's memo
 * carries its row (run-state.ts). A completed run from before the memo row is read from its result;
 * any other run without one gets what its search attributes tell. One row per attempt: an execution
 * that continued as new is skipped (its successor carries the record), a reset keeps the newest.
 */
export async function loadReportRows(client: Client, opts: LoadReportRowsOptions): Promise<ReportRow[]> {
  const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? DEFAULT_REPORT_ROWS)), MAX_ROWS);
  const executions: WorkflowExecutionInfo[] = [];
  for await (const w of client.workflow.list({ query: reportQuery(opts), pageSize: 1000 })) {
    if (w.status.name !== 'CONTINUED_AS_NEW') executions.push(w);
    if (executions.length >= SCAN_CAP) break;
  }
  executions.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());

  const rows: ReportRow[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < executions.length && rows.length < limit; i += RESULT_READS) {
    const batch = await Promise.all(executions.slice(i, i + RESULT_READS).map((w) => rowOf(client, w)));
    for (const row of batch) {
      const key = `${row.workflowId}\n${row.firstRunId}`;
      if (seen.has(key) || rows.length >= limit) continue;
      seen.add(key);
      rows.push(row);
    }
  }
  return rows;
}

async function rowOf(client: Client, w: WorkflowExecutionInfo): Promise<ReportRow> {
  const row =
    memoRow(w.memo?.report) ??
    (w.status.name === 'COMPLETED' ? await resultRow(client, w) : undefined) ??
    visibilityRow(w);
  const ended = ENDED[w.status.name];
  const marked = ended && !FINAL_STAGES.includes(row.stage) ? { ...row, ended } : row;
  // Fix-this runs from before rows carried `debt` are known by the error type their item was given.
  return marked.errorType === DEBT_ERROR_TYPE && !marked.debt ? { ...marked, debt: true } : marked;
}

/** The row the run wrote into its memo, if it looks like one. */
function memoRow(value: unknown): ReportRow | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Partial<Record<keyof ReportRow, unknown>>;
  const strings = [v.workflowId, v.firstRunId, v.service, v.errorType, v.stage, v.startedAt, v.alertAt];
  return strings.every((s) => typeof s === 'string') ? (value as ReportRow) : undefined;
}

/** A completed run from before the memo row: its result is its RunStatus. */
async function resultRow(client: Client, w: WorkflowExecutionInfo): Promise<ReportRow | undefined> {
  try {
    const status = (await client.workflow.getHandle(w.workflowId, w.runId, { followRuns: false }).result()) as
      RunStatus | undefined;
    if (!status || !Array.isArray(status.timeline) || !status.identity) return undefined;
    return reportRowOf({ ...status, runId: status.runId ?? w.runId });
  } catch {
    // Its history is gone (retention) or unreadable: visibility still tells something.
    return undefined;
  }
}

/** What visibility alone tells of a run without a row: it counts, with its stage and cost. */
function visibilityRow(w: WorkflowExecutionInfo): ReportRow {
  const sa = w.typedSearchAttributes;
  const memo = (w.memo ?? {}) as { stage?: unknown };
  const stage = (sa.get(STAGE) ?? (typeof memo.stage === 'string' ? memo.stage : 'collecting')) as Stage;
  const category = ERROR_CATEGORIES.find((c) => c === sa.get(CATEGORY));
  const cost = sa.get(COST_USD);
  const startedAt = w.startTime.toISOString();
  return {
    workflowId: w.workflowId,
    firstRunId: w.runId,
    service: sa.get(SERVICE) ?? 'unknown',
    errorType: sa.get(ERROR_TYPE) ?? 'unknown',
    ...(category ? { category } : {}),
    stage,
    startedAt,
    alertAt: startedAt,
    regressed: stage === 'regressed',
    reverted: stage === 'reverted',
    ...(cost !== undefined ? { costUsd: cost } : {}),
  };
}
