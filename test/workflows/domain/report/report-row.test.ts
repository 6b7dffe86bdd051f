import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_REASON, reportRowOf } from '../../../../workflows/domain/report/report-row';
import type { RunStatus } from '../../../../workflows/domain/run-status';

/** The result (RunStatus) a recorded run returned: the last event of its committed history. */
function recordedResult(name: string): RunStatus {
  const file = fileURLToPath(new URL(`../../../fixtures/histories/${name}.json`, import.meta.url));
  const history = JSON.parse(readFileSync(file, 'utf8')) as {
    events: { workflowExecutionCompletedEventAttributes?: { result: { payloads: { data: string }[] } } }[];
  };
  const done = history.events.at(-1)!.workflowExecutionCompletedEventAttributes!;
  return JSON.parse(Buffer.from(done.result.payloads[0]!.data, 'base64').toString('utf8')) as RunStatus;
}

const entered = (s: RunStatus, stage: string) => s.timeline.find((t) => t.stage === stage)?.at;

describe('reportRowOf, on the results of recorded runs', () => {
  it('a verified run: its moments from the alert to verification, and its cost', () => {
    const s = recordedResult('direct-approved-verified');
    const row = reportRowOf(s);
    expect(row).toEqual({
      workflowId: s.workflowId,
      firstRunId: s.runId,
      service: 'shop-api',
      errorType: 'TypeError',
      stage: 'verified-fixed',
      startedAt: s.timeline[0]!.at,
      alertAt: s.firstSeen,
      suggestedAt: entered(s, 'awaiting-approval'),
      approvedAt: s.decision!.at,
      mergedAt: s.pullRequest!.mergedAt,
      deployedAt: s.deployment!.at,
      verifiedAt: entered(s, 'verified-fixed'),
      regressed: false,
      reverted: false,
      costUsd: s.fix!.costUsd,
    });
    expect(row.mergedAt).toMatch(/^2026-/);
    expect(JSON.stringify(row).length).toBeLessThan(2048);
  });

  it('a technical-debt fix is marked as one', () => {
    const s = recordedResult('direct-approved-verified');
    expect(reportRowOf(s).debt).toBeUndefined();
    expect(reportRowOf({ ...s, debt: { itemId: 'debt-1a2b', scanWorkflowId: 'bugfix-debt-scan-x' } }).debt).toBe(true);
  });

  it('a rejected run: when and why', () => {
    const s = recordedResult('rejected');
    const row = reportRowOf(s);
    expect(row).toMatchObject({
      stage: 'rejected',
      rejectedAt: s.decision!.at,
      rejectionReason: 'Hides the bug: guests should not reach checkout.',
      regressed: false,
      reverted: false,
    });
    expect(row.approvedAt).toBeUndefined();
    expect(row.mergedAt).toBeUndefined();
  });

  it('a regressed and reverted run', () => {
    const s = recordedResult('direct-regressed-reverted');
    expect(reportRowOf(s)).toMatchObject({
      stage: 'reverted',
      regressed: true,
      reverted: true,
      approvedAt: s.decision!.at,
    });
  });

  it('keeps the row small whatever production sends, and reads a measured impact', () => {
    const s = recordedResult('rejected');
    const huge = 'x'.repeat(50_000);
    const row = reportRowOf({
      ...s,
      identity: { ...s.identity, service: huge, errorType: huge },
      decision: { ...s.decision!, reason: `${huge}\n${huge}` },
      // FixImpact's shape (workflows/domain/impact.ts): the series stay out of the row.
      impact: {
        errorRate: { before: 4.5, after: 0.5, unit: 'per-minute' },
        latency: { before: 'slow', after: 120, unit: 'ms' },
        series: { errorRate: Array.from({ length: 60 }, (_, i) => [i * 60_000, 4.5]) },
        queries: { errorRate: huge },
      },
    } as unknown as RunStatus);
    expect(row.rejectionReason).toHaveLength(MAX_REASON);
    expect(row.impact).toEqual({ errorRateBefore: 4.5, errorRateAfter: 0.5, latencyAfter: 120 });
    expect(JSON.stringify(row).length).toBeLessThan(2048);
  });

  it('a run with no occurrence yet counts from its start', () => {
    const s = recordedResult('expired');
    const row = reportRowOf({ ...s, firstSeen: '' });
    expect(row.alertAt).toBe(s.timeline[0]!.at);
    expect(row.stage).toBe('expired');
  });
});
