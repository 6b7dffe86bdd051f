import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import {
  CATEGORY,
  COST_USD,
  ERROR_TYPE,
  FINGERPRINT,
  OCCURRENCES,
  PULL_REQUEST,
  SERVICE,
  STAGE,
} from '../../workflows/domain/search-attributes';
import type { ReportRow } from '../../workflows/domain/report/report-row';
import { fetchRunHistory } from './history';
import { historyFacts, type HistoryFacts } from './history-facts';

/**
 * A run as the Temporal server alone knows it, with no worker to answer the status query: the
 * search attributes and memo the run keeps up to date (run-state.ts mirror()), its history's
 * events, and what describe() says is pending.
 */
export interface ServerView extends HistoryFacts {
  stage?: string;
  /** Where `stage` was read: the BugfixStage search attribute (what the Web UI shows), else the memo. */
  stageFrom?: 'search attribute' | 'memo';
  /** The memo's one-line summary: service, error type, message. */
  summary?: string;
  service?: string;
  fingerprint?: string;
  errorType?: string;
  category?: string;
  occurrences?: number;
  costUsd?: number;
  pullRequest?: string;
  /** The memo's report row: the run's milestones (suggested, approved, merged, ...), oldest first. */
  milestones: { milestone: string; at: string }[];
  report?: ReportRow;
  /** Activities scheduled or running, waiting on a worker or retrying. */
  pendingActivities: {
    name: string;
    state: string;
    attempt: number;
    scheduledAt?: string;
    lastStartedAt?: string;
    lastFailure?: string;
    lastWorker?: string;
  }[];
  /** A workflow task waits for a worker (a signal, a timer or an update moved the run) since this time. */
  workflowTaskWaitingSince?: string;
}

/** The report row's timestamps, by the name people use for them. */
const MILESTONES: [keyof ReportRow, string][] = [
  ['alertAt', 'alert'],
  ['startedAt', 'started'],
  ['suggestedAt', 'suggested'],
  ['approvedAt', 'approved'],
  ['rejectedAt', 'rejected'],
  ['mergedAt', 'merged'],
  ['deployedAt', 'deployed'],
  ['verifiedAt', 'verified'],
];

const ACTIVITY_STATES: Record<number, string> = {
  1: 'scheduled',
  2: 'started',
  3: 'cancel requested',
  4: 'paused',
  5: 'pause requested',
};

export async function readServerView(client: Client, d: WorkflowExecutionDescription): Promise<ServerView> {
  const facts = historyFacts(await fetchRunHistory(client, d.workflowId, d.runId));
  const sa = d.typedSearchAttributes;
  const memo = (d.memo ?? {}) as { summary?: unknown; stage?: unknown; report?: unknown };
  const report = isReportRow(memo.report) ? memo.report : undefined;
  const memoStage = typeof memo.stage === 'string' ? memo.stage : report?.stage;
  const stage = sa.get(STAGE) ?? memoStage;
  const waiting = d.raw.pendingWorkflowTask ? optionalTsToMs(d.raw.pendingWorkflowTask.scheduledTime) : undefined;
  return {
    ...(stage ? { stage, stageFrom: sa.get(STAGE) ? 'search attribute' : 'memo' } : {}),
    ...(typeof memo.summary === 'string' ? { summary: memo.summary } : {}),
    ...defined('service', sa.get(SERVICE) ?? report?.service),
    ...defined('fingerprint', sa.get(FINGERPRINT)),
    ...defined('errorType', sa.get(ERROR_TYPE) ?? report?.errorType),
    ...defined('category', sa.get(CATEGORY) ?? report?.category),
    ...defined('occurrences', sa.get(OCCURRENCES)),
    ...defined('costUsd', sa.get(COST_USD) ?? report?.costUsd),
    ...defined('pullRequest', sa.get(PULL_REQUEST)),
    milestones: report ? milestonesOf(report) : [],
    ...(report ? { report } : {}),
    ...facts,
    pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
      name: a.activityType?.name ?? '?',
      state: ACTIVITY_STATES[a.state ?? 0] ?? 'unknown',
      attempt: a.attempt ?? 1,
      ...defined('scheduledAt', isoOf(optionalTsToMs(a.scheduledTime))),
      ...defined('lastStartedAt', isoOf(optionalTsToMs(a.lastStartedTime))),
      ...defined('lastFailure', a.lastFailure?.message || undefined),
      ...defined('lastWorker', a.lastWorkerIdentity || undefined),
    })),
    ...defined('workflowTaskWaitingSince', isoOf(waiting)),
  };
}

export function milestonesOf(report: ReportRow): ServerView['milestones'] {
  return MILESTONES.flatMap(([key, milestone]) => {
    const at = report[key];
    return typeof at === 'string' && at ? [{ milestone, at }] : [];
  }).sort((a, b) => a.at.localeCompare(b.at));
}

function isReportRow(v: unknown): v is ReportRow {
  return typeof v === 'object' && v !== null && typeof (v as { startedAt?: unknown }).startedAt === 'string';
}

function isoOf(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** `{ key: value }`, or nothing when the value is absent. */
function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
