import { describe, expect, it } from 'vitest';
import { computeReport, outcomeOf } from '../../../../workflows/domain/report/compute-report';
import { percentile } from '../../../../workflows/domain/report/percentile';
import type { ReportRow } from '../../../../workflows/domain/report/report-row';

const MIN = 60_000;

/** A row whose error was first seen at `alertAt`, its run started a minute later; `at` are minutes after the alert. */
function row(
  id: string,
  service: string,
  alertAt: string,
  o: Partial<ReportRow> & {
    at?: Partial<Record<'suggested' | 'approved' | 'rejected' | 'merged' | 'verified', number>>;
  },
): ReportRow {
  const t = (min: number | undefined) =>
    min === undefined ? undefined : new Date(Date.parse(alertAt) + min * MIN).toISOString();
  const { at = {}, ...rest } = o;
  const times = {
    suggestedAt: t(at.suggested),
    approvedAt: t(at.approved),
    rejectedAt: t(at.rejected),
    mergedAt: t(at.merged),
    verifiedAt: t(at.verified),
  };
  return {
    workflowId: id,
    firstRunId: `${id}-run`,
    service,
    errorType: 'TypeError',
    stage: 'awaiting-approval',
    startedAt: t(1)!,
    alertAt,
    regressed: false,
    reverted: false,
    ...Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined)),
    ...rest,
  };
}

const rows: ReportRow[] = [
  row('A', 'shop-api', '2026-01-01T00:00:00.000Z', {
    stage: 'verified-fixed',
    at: { suggested: 10, approved: 30, merged: 120, verified: 240 },
    costUsd: 0.5,
    impact: { errorRateBefore: 12, errorRateAfter: 0 },
  }),
  row('B', 'shop-api', '2026-01-02T00:00:00.000Z', {
    stage: 'verified-fixed',
    at: { suggested: 20, approved: 60, merged: 300, verified: 1800 },
    costUsd: 0.25,
  }),
  row('C', 'shop-api', '2026-01-02T06:00:00.000Z', {
    stage: 'rejected',
    at: { suggested: 5, rejected: 15 },
    rejectionReason: 'Hides the bug',
    costUsd: 0.25,
  }),
  row('D', 'billing', '2026-01-03T00:00:00.000Z', {
    stage: 'rejected',
    at: { suggested: 40, rejected: 50 },
    rejectionReason: 'Hides the bug',
    costUsd: 0.75,
  }),
  row('E', 'billing', '2026-01-03T01:00:00.000Z', {
    stage: 'reverted',
    at: { suggested: 30, approved: 45, merged: 90 },
    regressed: true,
    reverted: true,
    costUsd: 1,
  }),
  row('F', 'billing', '2026-01-03T02:00:00.000Z', { at: { suggested: 15 }, costUsd: 0.25 }),
  row('G', 'billing', '2026-01-03T03:00:00.000Z', { stage: 'rejected', at: { suggested: 60, rejected: 70 } }),
  // Started before the period: left out.
  row('H', 'shop-api', '2025-12-31T00:00:00.000Z', { stage: 'verified-fixed', at: { verified: 5 }, costUsd: 9 }),
  row('I', 'payments', '2026-01-01T12:00:00.000Z', { at: { suggested: 8 }, ended: 'terminated' }),
  row('J', 'payments', '2026-01-01T13:00:00.000Z', { stage: 'escalated', category: 'infrastructure' }),
];

describe('computeReport', () => {
  const report = computeReport(rows, { since: '2026-01-01T00:00:00.000Z', now: '2026-01-03T12:00:00.000Z' });

  it('counts the period runs by outcome: final stage, ended (closed without one), open', () => {
    expect(report.runs).toBe(9);
    expect(report.outcomes).toEqual([
      { outcome: 'verified-fixed', runs: 2 },
      { outcome: 'reverted', runs: 1 },
      { outcome: 'rejected', runs: 3 },
      { outcome: 'escalated', runs: 1 },
      { outcome: 'ended', runs: 1 },
      { outcome: 'open', runs: 1 },
    ]);
  });

  it('gives nearest-rank median and p90 from the alert to each step', () => {
    // Suggestions at 5, 8, 10, 15, 20, 30, 40, 60 min: median = 4th, p90 = 8th.
    expect(report.timings.toSuggestion).toEqual({ runs: 8, medianMs: 15 * MIN, p90Ms: 60 * MIN });
    expect(report.timings.toApproval).toEqual({ runs: 3, medianMs: 45 * MIN, p90Ms: 60 * MIN });
    expect(report.timings.toMerge).toEqual({ runs: 3, medianMs: 120 * MIN, p90Ms: 300 * MIN });
    expect(report.timings.toVerified).toEqual({ runs: 2, medianMs: 240 * MIN, p90Ms: 1800 * MIN });
  });

  it('rates verified fixes among approved runs that reached a verification outcome, and counts regressions', () => {
    expect(report.approved).toBe(3);
    expect(report.verifiedFixedRate).toEqual({ verified: 2, checked: 3, rate: 2 / 3 });
    expect(report.regressions).toBe(1);
    expect(report.reverts).toBe(1);
  });

  it('adds up the cost and divides it by the verified fixes', () => {
    expect(report.costUsd).toBe(3);
    expect(report.costPerVerifiedFixUsd).toBe(1.5);
  });

  it('ranks services, counts rejection reasons and gives a per-service table', () => {
    expect(report.topServices).toEqual([
      { service: 'billing', runs: 4, verified: 0, costUsd: 2 },
      { service: 'shop-api', runs: 3, verified: 2, costUsd: 1 },
      { service: 'payments', runs: 2, verified: 0, costUsd: 0 },
    ]);
    expect(report.rejectionReasons).toEqual([
      { reason: 'Hides the bug', runs: 2 },
      { reason: '(no reason given)', runs: 1 },
    ]);
    expect(report.services).toEqual([
      { service: 'billing', runs: 4, verified: 0, regressed: 1, reverted: 1, rejected: 2, open: 1, costUsd: 2 },
      {
        service: 'shop-api',
        runs: 3,
        verified: 2,
        regressed: 0,
        reverted: 0,
        rejected: 1,
        open: 0,
        costUsd: 1,
        costPerVerifiedFixUsd: 0.5,
        medianToVerifiedMs: 240 * MIN,
      },
      { service: 'payments', runs: 2, verified: 0, regressed: 0, reverted: 0, rejected: 0, open: 0, costUsd: 0 },
    ]);
  });

  it('gives every day of the period its runs by outcome, and the time-to-fix histogram', () => {
    expect(report.perDay).toEqual([
      { day: '2026-01-01', runs: 3, outcomes: { 'verified-fixed': 1, ended: 1, escalated: 1 } },
      { day: '2026-01-02', runs: 2, outcomes: { 'verified-fixed': 1, rejected: 1 } },
      { day: '2026-01-03', runs: 4, outcomes: { rejected: 2, reverted: 1, open: 1 } },
    ]);
    // 4 h and 30 h.
    expect(report.timeToFix).toEqual([
      { label: '< 10m', runs: 0 },
      { label: '10m–1h', runs: 0 },
      { label: '1h–6h', runs: 1 },
      { label: '6h–1d', runs: 0 },
      { label: '1d–3d', runs: 1 },
      { label: '3d–7d', runs: 0 },
      { label: '≥ 7d', runs: 0 },
    ]);
  });

  it("lists the verified runs' measured impact", () => {
    expect(report.impacts).toEqual([
      {
        workflowId: 'A',
        service: 'shop-api',
        errorType: 'TypeError',
        verifiedAt: '2026-01-01T04:00:00.000Z',
        errorRateBefore: 12,
        errorRateAfter: 0,
      },
    ]);
  });

  it('an empty period has no rates or medians, and no days before `since`', () => {
    const empty = computeReport([], { since: '2026-01-03T00:00:00.000Z', now: '2026-01-03T12:00:00.000Z' });
    expect(empty).toMatchObject({ runs: 0, outcomes: [], costUsd: 0, verifiedFixedRate: { verified: 0, checked: 0 } });
    expect(empty.costPerVerifiedFixUsd).toBeUndefined();
    expect(empty.verifiedFixedRate.rate).toBeUndefined();
    expect(empty.timings.toVerified).toEqual({ runs: 0 });
    expect(empty.perDay).toEqual([{ day: '2026-01-03', runs: 0, outcomes: {} }]);
  });

  it('keeps technical-debt fixes apart: none of the error figures change, and they are counted on their own', () => {
    const debt = [
      row('K', 'shop-api', '2026-01-02T00:00:00.000Z', {
        stage: 'verified-fixed',
        at: { suggested: 5, approved: 10, merged: 20, verified: 60 },
        deployedAt: '2026-01-02T00:30:00.000Z',
        costUsd: 0.4,
        debt: true,
      }),
      row('L', 'billing', '2026-01-03T00:00:00.000Z', { at: { suggested: 5 }, costUsd: 0.1, debt: true }),
      // Before the period: not counted either way.
      row('M', 'billing', '2025-12-01T00:00:00.000Z', { stage: 'verified-fixed', costUsd: 5, debt: true }),
    ];
    const withDebt = computeReport([...rows, ...debt], {
      since: '2026-01-01T00:00:00.000Z',
      now: '2026-01-03T12:00:00.000Z',
    });
    const { debtFixes, ...errorFigures } = withDebt;
    const { debtFixes: none, ...before } = report;
    expect(errorFigures).toEqual(before);
    expect(none).toEqual({ runs: 0, approved: 0, merged: 0, deployed: 0, costUsd: 0 });
    expect(debtFixes).toEqual({ runs: 2, approved: 1, merged: 1, deployed: 1, costUsd: 0.5 });
  });

  it('a final stage wins over an ended execution', () => {
    expect(outcomeOf(rows[0]!)).toBe('verified-fixed');
    expect(outcomeOf({ ...rows[3]!, ended: 'terminated' })).toBe('rejected');
    expect(outcomeOf(rows[5]!)).toBe('open');
  });
});

describe('percentile (nearest rank)', () => {
  it('is always one of the values', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});
