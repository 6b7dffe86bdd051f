/**
 * One run as the fix-effectiveness report sees it: a few timestamps and figures, small enough to
 * live in the run's memo (well under 2 KB), so the report reads visibility only, never a history.
 * Pure: the workflow writes it on every stage change (run-state.ts), the loader falls back to it
 * for older runs from their result.
 */
import type { RunStatus } from '../run-status';
import type { Stage } from '../types';
import type { ErrorCategory } from '../triage';

/** Error rate (per minute) and latency (ms) before and after the fix's deploy, as the run measured them. */
export interface ReportImpact {
  errorRateBefore: number;
  errorRateAfter: number;
  latencyBefore?: number;
  latencyAfter?: number;
}

export interface ReportRow {
  workflowId: string;
  /** The attempt's first run id (same across a reset or continue-as-new): tells a rerun's row from the earlier one. */
  firstRunId: string;
  service: string;
  errorType: string;
  /** Triage's category, once classified. */
  category?: ErrorCategory;
  /** The run's stage: its outcome once it is one of FINAL_STAGES. */
  stage: Stage;
  startedAt: string;
  /** When production first showed the error (first occurrence), else when the run started. */
  alertAt: string;
  /** When the fix was first put to people (entered 'awaiting-approval'). */
  suggestedAt?: string;
  approvedAt?: string;
  rejectedAt?: string;
  /** The rejecter's reason, bounded. */
  rejectionReason?: string;
  mergedAt?: string;
  deployedAt?: string;
  verifiedAt?: string;
  /** The error came back after the deploy. */
  regressed: boolean;
  /** The fix was reverted (or a revert pull request opened). */
  reverted: boolean;
  /** What Claude Code spent on the fix. */
  costUsd?: number;
  impact?: ReportImpact;
  /** A technical-debt fix ("Fix this" in a scan's digest): no production error to stop, so not in the error figures. */
  debt?: true;
  /**
   * Set by the loader, never by the run: its execution closed without a final stage (terminated,
   * cancelled, timed out, or failed outside the pipeline's own handling).
   */
  ended?: 'terminated' | 'cancelled' | 'timed-out' | 'failed';
}

const MAX_NAME = 100;
export const MAX_REASON = 200;

export function reportRowOf(status: RunStatus): ReportRow {
  const first = (stage: Stage) => status.timeline.find((t) => t.stage === stage)?.at;
  const startedAt = status.timeline[0]?.at ?? status.firstSeen;
  const d = status.decision;
  const impact = impactOf(status);
  return {
    workflowId: status.workflowId,
    firstRunId: status.firstRunId ?? status.runId,
    service: bounded(status.identity.service, MAX_NAME),
    errorType: bounded(status.identity.errorType, MAX_NAME),
    ...(status.triage ? { category: status.triage.category } : {}),
    stage: status.stage,
    startedAt,
    alertAt: status.firstSeen || startedAt,
    ...defined('suggestedAt', first('awaiting-approval')),
    ...defined('approvedAt', d?.approved ? d.at : undefined),
    ...defined('rejectedAt', d && !d.approved ? d.at : undefined),
    ...defined('rejectionReason', d && !d.approved && d.reason?.trim() ? bounded(d.reason, MAX_REASON) : undefined),
    ...defined('mergedAt', status.pullRequest?.mergedAt),
    ...defined('deployedAt', status.deployment?.at),
    ...defined('verifiedAt', first('verified-fixed')),
    regressed: status.verification?.verdict === 'regressed' || first('awaiting-revert-approval') !== undefined,
    reverted: status.stage === 'reverted' || status.revertPullRequest !== undefined,
    ...defined('costUsd', status.fix?.costUsd),
    ...(impact ? { impact } : {}),
    ...(status.debt ? { debt: true as const } : {}),
  };
}

/**
 * The run's measured impact, when it has one. RunRecord carries `impact?: FixImpact`
 * (workflows/domain/impact.ts: `errorRate` and `latency`, each `{ before, after, unit }`, and their
 * series); this reads only the before/after figures through a narrow local type, so the row does
 * not depend on that module, checks they are numbers, and leaves the series out (the row stays small).
 */
function impactOf(status: RunStatus): ReportImpact | undefined {
  type Figures = { before?: unknown; after?: unknown } | undefined;
  const impact = (status as { impact?: { errorRate?: Figures; latency?: Figures } }).impact;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const before = num(impact?.errorRate?.before);
  const after = num(impact?.errorRate?.after);
  if (before === undefined || after === undefined) return undefined;
  return {
    errorRateBefore: before,
    errorRateAfter: after,
    ...defined('latencyBefore', num(impact?.latency?.before)),
    ...defined('latencyAfter', num(impact?.latency?.after)),
  };
}

/** `{ key: value }`, or nothing when the value is absent: the memo carries no empty keys. */
function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** One line, at most `max` characters (whitespace collapsed). */
function bounded(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}
