/**
 * The fix-effectiveness report: what the runs of a period came to, from their report rows alone.
 * Pure (same rows, same report), so the CLI, the admin page and the Slack digest agree.
 *
 * Definitions:
 * - A run counts when its row's `startedAt` is at or after `since`.
 * - Outcome: the run's stage when it is final (FINAL_STAGES); `ended` when its execution closed
 *   without one (terminated, cancelled, timed out); `open` otherwise.
 * - Times are from `alertAt` (the error's first occurrence) to the moment, in ms, over the runs that
 *   reached it; a negative one (clock skew) counts as 0. Median and p90 are nearest-rank (percentile.ts).
 * - Verified-fixed rate: runs whose fix was approved and that reached a verification outcome
 *   (verified-fixed, regressed or reverted) are `checked`; the rate is verified-fixed ÷ checked.
 *   Runs still waiting on a merge, a deploy or the verify window are not in it.
 * - Cost: what Claude Code spent on the fixes of all the runs; cost per verified fix is that total
 *   ÷ verified-fixed runs, so fixes that were rejected or failed are paid for by the ones that worked.
 * - Technical-debt fixes ("Fix this" runs) have no production error to stop: they are counted apart
 *   (`debtFixes`) and are in none of the figures above.
 */
import { FINAL_STAGES, type Stage } from '../types';
import { percentile } from './percentile';
import type { ReportImpact, ReportRow } from './report-row';

export type Outcome = Stage | 'ended' | 'open';

export interface Timing {
  runs: number;
  medianMs?: number;
  p90Ms?: number;
}

export interface ServiceFigures {
  service: string;
  runs: number;
  verified: number;
  regressed: number;
  reverted: number;
  rejected: number;
  open: number;
  costUsd: number;
  costPerVerifiedFixUsd?: number;
  medianToVerifiedMs?: number;
}

export interface ImpactEntry extends ReportImpact {
  workflowId: string;
  service: string;
  errorType: string;
  verifiedAt?: string;
}

export interface Report {
  since: string;
  now: string;
  runs: number;
  /** Runs by outcome, in the order of OUTCOMES; outcomes with no runs are left out. */
  outcomes: { outcome: Outcome; runs: number }[];
  timings: { toSuggestion: Timing; toApproval: Timing; toMerge: Timing; toVerified: Timing };
  approved: number;
  verifiedFixedRate: { verified: number; checked: number; rate?: number };
  regressions: number;
  reverts: number;
  costUsd: number;
  costPerVerifiedFixUsd?: number;
  /** The five services with the most runs. */
  topServices: { service: string; runs: number; verified: number; costUsd: number }[];
  /** The ten most frequent rejection reasons (runs rejected without one: "(no reason given)"). */
  rejectionReasons: { reason: string; runs: number }[];
  /** Every UTC day from `since` to `now` (the last 366 at most): runs started that day, by outcome. */
  perDay: { day: string; runs: number; outcomes: Partial<Record<Outcome, number>> }[];
  /** Alert → verified-fixed, as a histogram. */
  timeToFix: { label: string; runs: number }[];
  services: ServiceFigures[];
  /** Verified runs that measured their impact (the 50 newest). */
  impacts: ImpactEntry[];
  /** Runs that fixed a technical-debt item, apart from the error runs above. */
  debtFixes: DebtFixFigures;
}

export interface DebtFixFigures {
  runs: number;
  approved: number;
  merged: number;
  deployed: number;
  costUsd: number;
}

/** Outcomes in the order reports show them: the good, the bad, the people's, the rest. */
export const OUTCOMES: readonly Outcome[] = [
  'verified-fixed',
  'regressed',
  'reverted',
  'rejected',
  'escalated',
  'joined',
  'refused',
  'expired',
  'closed-unmerged',
  'stalled',
  'failed',
  'ended',
  'open',
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Upper bounds (exclusive) of the time-to-fix histogram's buckets; the last bucket is open. */
export const TIME_TO_FIX_BUCKETS: readonly { label: string; belowMs: number }[] = [
  { label: '< 10m', belowMs: 10 * MINUTE },
  { label: '10m–1h', belowMs: HOUR },
  { label: '1h–6h', belowMs: 6 * HOUR },
  { label: '6h–1d', belowMs: DAY },
  { label: '1d–3d', belowMs: 3 * DAY },
  { label: '3d–7d', belowMs: 7 * DAY },
  { label: '≥ 7d', belowMs: Infinity },
];
const MAX_DAYS = 366;
export const NO_REASON = '(no reason given)';

export function outcomeOf(row: ReportRow): Outcome {
  if (FINAL_STAGES.includes(row.stage)) return row.stage;
  return row.ended ? 'ended' : 'open';
}

export function computeReport(all: ReportRow[], opts: { since: string; now: string }): Report {
  const since = Date.parse(opts.since);
  const inPeriod = all.filter((r) => Date.parse(r.startedAt) >= since);
  const rows = inPeriod.filter((r) => !r.debt);
  const debt = inPeriod.filter((r) => r.debt);
  const verified = rows.filter((r) => r.stage === 'verified-fixed');
  const checked = rows.filter((r) => r.approvedAt && ['verified-fixed', 'regressed', 'reverted'].includes(r.stage));
  const costUsd = usd(sum(rows.map((r) => r.costUsd ?? 0)));
  const services = serviceFigures(rows);
  return {
    since: opts.since,
    now: opts.now,
    runs: rows.length,
    outcomes: OUTCOMES.map((outcome) => ({
      outcome,
      runs: rows.filter((r) => outcomeOf(r) === outcome).length,
    })).filter((o) => o.runs > 0),
    timings: {
      toSuggestion: timing(rows.map((r) => sinceAlert(r, r.suggestedAt))),
      toApproval: timing(rows.map((r) => sinceAlert(r, r.approvedAt))),
      toMerge: timing(rows.map((r) => sinceAlert(r, r.mergedAt))),
      toVerified: timing(rows.map((r) => sinceAlert(r, r.verifiedAt))),
    },
    approved: rows.filter((r) => r.approvedAt).length,
    verifiedFixedRate: {
      verified: checked.filter((r) => r.stage === 'verified-fixed').length,
      checked: checked.length,
      ...(checked.length ? { rate: checked.filter((r) => r.stage === 'verified-fixed').length / checked.length } : {}),
    },
    regressions: rows.filter((r) => r.regressed).length,
    reverts: rows.filter((r) => r.reverted).length,
    costUsd,
    ...(verified.length ? { costPerVerifiedFixUsd: usd(costUsd / verified.length) } : {}),
    topServices: services.slice(0, 5).map(({ service, runs, verified: v, costUsd: c }) => ({
      service,
      runs,
      verified: v,
      costUsd: c,
    })),
    rejectionReasons: rejectionReasons(rows),
    perDay: perDay(rows, since, Date.parse(opts.now)),
    timeToFix: TIME_TO_FIX_BUCKETS.map((b, i) => {
      const above = i === 0 ? 0 : TIME_TO_FIX_BUCKETS[i - 1]!.belowMs;
      const ms = verified.map((r) => sinceAlert(r, r.verifiedAt)).filter((v): v is number => v !== undefined);
      return { label: b.label, runs: ms.filter((v) => v >= above && v < b.belowMs).length };
    }),
    services,
    impacts: verified
      .filter((r) => r.impact)
      .sort((a, b) => (b.verifiedAt ?? b.startedAt).localeCompare(a.verifiedAt ?? a.startedAt))
      .slice(0, 50)
      .map((r) => ({
        workflowId: r.workflowId,
        service: r.service,
        errorType: r.errorType,
        ...(r.verifiedAt ? { verifiedAt: r.verifiedAt } : {}),
        ...r.impact!,
      })),
    debtFixes: {
      runs: debt.length,
      approved: debt.filter((r) => r.approvedAt).length,
      merged: debt.filter((r) => r.mergedAt).length,
      deployed: debt.filter((r) => r.deployedAt).length,
      costUsd: usd(sum(debt.map((r) => r.costUsd ?? 0))),
    },
  };
}

/** ms from the alert to `at`, or undefined when the run has not reached it. */
export function sinceAlert(row: ReportRow, at: string | undefined): number | undefined {
  if (!at) return undefined;
  const ms = Date.parse(at) - Date.parse(row.alertAt);
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

function timing(values: (number | undefined)[]): Timing {
  const ms = values.filter((v): v is number => v !== undefined);
  const median = percentile(ms, 50);
  const p90 = percentile(ms, 90);
  return { runs: ms.length, ...(median !== undefined ? { medianMs: median, p90Ms: p90! } : {}) };
}

function serviceFigures(rows: ReportRow[]): ServiceFigures[] {
  const by = new Map<string, ReportRow[]>();
  for (const r of rows) by.set(r.service, [...(by.get(r.service) ?? []), r]);
  return [...by]
    .map(([service, rs]) => {
      const verified = rs.filter((r) => r.stage === 'verified-fixed');
      const costUsd = usd(sum(rs.map((r) => r.costUsd ?? 0)));
      const median = percentile(
        verified.map((r) => sinceAlert(r, r.verifiedAt)).filter((v): v is number => v !== undefined),
        50,
      );
      return {
        service,
        runs: rs.length,
        verified: verified.length,
        regressed: rs.filter((r) => r.regressed).length,
        reverted: rs.filter((r) => r.reverted).length,
        rejected: rs.filter((r) => r.stage === 'rejected').length,
        open: rs.filter((r) => outcomeOf(r) === 'open').length,
        costUsd,
        ...(verified.length ? { costPerVerifiedFixUsd: usd(costUsd / verified.length) } : {}),
        ...(median !== undefined ? { medianToVerifiedMs: median } : {}),
      };
    })
    .sort(
      (a, b) =>
        b.runs - a.runs || b.verified - a.verified || b.costUsd - a.costUsd || a.service.localeCompare(b.service),
    );
}

function rejectionReasons(rows: ReportRow[]): { reason: string; runs: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows)
    if (r.rejectedAt) {
      const reason = r.rejectionReason?.trim() || NO_REASON;
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
  return [...counts]
    .map(([reason, runs]) => ({ reason, runs }))
    .sort((a, b) => b.runs - a.runs || a.reason.localeCompare(b.reason))
    .slice(0, 10);
}

function perDay(rows: ReportRow[], since: number, now: number): Report['perDay'] {
  const first = Math.max(Math.floor(since / DAY), Math.floor(now / DAY) - (MAX_DAYS - 1));
  const days: Report['perDay'] = [];
  for (let d = first; d <= Math.floor(now / DAY); d++)
    days.push({ day: new Date(d * DAY).toISOString().slice(0, 10), runs: 0, outcomes: {} });
  for (const r of rows) {
    const day = days[Math.floor(Date.parse(r.startedAt) / DAY) - first];
    if (!day) continue;
    const outcome = outcomeOf(r);
    day.runs++;
    day.outcomes[outcome] = (day.outcomes[outcome] ?? 0) + 1;
  }
  return days;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** Dollars to a millionth: sums of floats stay readable and comparable. */
const usd = (value: number) => Math.round(value * 1e6) / 1e6;
