import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, SERVICE, type E2E } from '../support/e2e';
import { errorLogEvent } from '../fakes/datadog-shapes';
import { approvedToPullRequest, mergeDeployVerify } from '../support/release';
import { sampleError } from '../fakes/scripted-fix';

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

describe("a verified fix's effect, from the Datadog Metrics API", () => {
  it('records the error rate and latency before and after the deploy, and says them in the summary', async () => {
    e = await startE2E({ env: { VERIFY_WINDOW: '4s', IMPACT_WINDOW: '1h' } });
    // The hour before: 12 occurrences, one every 4 minutes; latency 420 ms until the deploy, 180 ms after.
    const now = Date.now();
    for (let i = 1; i <= 12; i++)
      e.datadog.addLog(errorLogEvent({ service: SERVICE, ...sampleError, timestamp: now - i * 4 * 60_000 - 30_000 }));
    let deployedAt = Number.POSITIVE_INFINITY;
    e.datadog.setLatency(SERVICE, (at) => (at.getTime() < deployedAt ? 420 : 180));

    const { workflowId } = await approvedToPullRequest(e, 'evt-impact');
    const s = await e.waitForStage(workflowId, 'awaiting-merge', 60_000);
    await e.github.mergePullRequest(s.pullRequest!.number, { by: 'carol' });
    const merged = await e.waitForStage(workflowId, 'awaiting-deploy');
    deployedAt = Date.now();
    e.github.createDeployment({
      sha: merged.pullRequest!.mergeCommitSha!,
      environment: 'production',
      state: 'success',
    });
    const done = await mergeDeployVerifyResult(workflowId);

    expect(done.stage).toBe('verified-fixed');
    const impact = done.impact!;
    // 12 errors over the 60 minutes before the deploy, none after.
    expect(impact.errorRate.before).toBeCloseTo(12 / 60, 1);
    expect(impact.errorRate.after).toBe(0);
    // Datadog's buckets are aligned to the interval, not to the deploy: the one that holds it mixes both figures.
    expect(impact.latency!.before).toBeCloseTo(420, -1);
    expect(impact.latency!.after).toBeLessThan(impact.latency!.before);
    expect(impact.latency!.after).toBeGreaterThanOrEqual(180);
    expect(Date.parse(impact.from)).toBeLessThan(Date.parse(done.deployment!.at));
    expect(impact.series.errorRate.length).toBeGreaterThan(0);
    expect(impact.series.errorRate.length).toBeLessThanOrEqual(60);
    expect(impact.queries.errorRate).toContain(`service:${SERVICE}`);
    // Datadog was asked through the Metrics API, with the configured application key.
    expect(JSON.stringify(e.datadog.requests)).toContain('/api/v1/query');

    const summary = e.slack.replies(done.slack!.ts).at(-1)!.text;
    expect(summary).toContain(
      `error rate ${impact.errorRate.before.toFixed(2)}/min → 0.00/min, latency ${impact.latency!.before.toFixed(0)} ms → ${impact.latency!.after.toFixed(0)} ms`,
    );
  }, 150_000);
});

async function mergeDeployVerifyResult(workflowId: string) {
  return (await e!.pipeline.client.workflow.getHandle(workflowId).result()) as Awaited<
    ReturnType<typeof mergeDeployVerify>
  >;
}
