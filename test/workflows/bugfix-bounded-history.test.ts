import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, GITHUB_WEBHOOK_SECRET, type E2E } from '../support/e2e';
import { approvedToPullRequest, mergeDeployVerify } from '../support/release';
import { pullRequestEvent, sendWebhook } from '../fakes/github-wire';

const OCCURRENCES = Number(process.env.HISTORY_TEST_OCCURRENCES ?? 10_000);
const WAKE_UPS = Number(process.env.HISTORY_TEST_WAKE_UPS ?? 1_000);

/** Runs `count` tasks, `width` at a time. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * A busy run stays far from Temporal's history limits (51,200 events, 50 MB): occurrence deliveries
 * are counted exactly and the run continues as new when Temporal suggests it; PR wake-ups are
 * coalesced. Prints the figures.
 */
describe('bounded history', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it(`${OCCURRENCES} occurrence deliveries and ${WAKE_UPS} PR wake-ups to one waiting run`, async () => {
    const { workflowId, prNumber } = await approvedToPullRequest(e, 'evt-busy-0');
    await e.waitForStage(workflowId, 'awaiting-merge', 60_000);
    const pr = await e.github.pull(prNumber);
    const started = Date.now();
    let refused = 0;
    let redelivered = 0;
    await Promise.all([
      inParallel(OCCURRENCES, 24, async (i) => {
        // As Datadog does: a delivery not acknowledged (503 while Temporal is busy) comes again, same $ID.
        for (let attempt = 1; ; attempt++) {
          const res = await e.sendAlert(alertPayload({ id: `evt-busy-${i + 1}` }));
          await res.arrayBuffer();
          if (res.status === 202) return;
          if (res.status !== 503 || attempt === 5) return void refused++;
          redelivered++;
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }),
      inParallel(WAKE_UPS, 8, async () => {
        const res = await sendWebhook(
          `${e.pipeline.apiUrl}/webhooks/github`,
          'pull_request',
          pullRequestEvent('synchronize', pr),
          GITHUB_WEBHOOK_SECRET,
        );
        if (res.status !== 202) refused++;
      }),
    ]);
    const sentIn = Date.now() - started;
    expect(refused).toBe(0);

    // Every delivery counted once, across however many executions the run took.
    const counted = await e.waitFor(workflowId, (s) => s.occurrences === OCCURRENCES + 1, 180_000);
    expect(counted.stage).toBe('awaiting-merge');

    const executions: { runId: string; events: number; bytes: number; wakeUps: number }[] = [];
    for await (const run of e.pipeline.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      const history = await e.pipeline.client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      const events = history.events ?? [];
      executions.push({
        runId: run.runId,
        events: events.length,
        bytes: temporal.api.history.v1.History.encode(history).finish().length,
        wakeUps: events.filter((ev) => ev.workflowExecutionSignaledEventAttributes?.signalName === 'externalEvent')
          .length,
      });
    }
    const wakeUps = executions.reduce((n, x) => n + x.wakeUps, 0);
    console.log(
      `bounded history: ${OCCURRENCES} deliveries (${redelivered} redelivered after a 503) and ${WAKE_UPS} wake-ups sent in ${sentIn} ms; ${executions.length} execution(s), ` +
        `largest ${Math.max(...executions.map((x) => x.events))} events / ${Math.max(...executions.map((x) => x.bytes))} bytes; ` +
        `${wakeUps} wake-up signal(s) reached the run`,
    );
    expect(executions.length).toBeGreaterThan(1);
    for (const x of executions) {
      expect(x.events).toBeLessThan(12_000);
      expect(x.bytes).toBeLessThan(10 * 1024 * 1024);
    }
    expect(wakeUps).toBeLessThan(WAKE_UPS / 10);

    // The continued run still does its job: the same message, PR and decision, to a verified fix.
    const done = await mergeDeployVerify(e, workflowId);
    expect(done.stage).toBe('verified-fixed');
    expect(done.occurrences).toBe(OCCURRENCES + 1);
    expect(done.pullRequest?.number).toBe(prNumber);
    expect(done.decision?.approved).toBe(true);
    expect(e.github.pulls()).toHaveLength(1);
  }, 600_000);
});
