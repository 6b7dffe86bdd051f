import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, type E2E } from '../support/e2e';
import { scriptedFixTurns } from '../fakes/scripted-fix';
import { primaryWorkingDirectory, type FakeTurn } from '../fakes/anthropic-fake';

/**
 * CLAUDE_MAX_CONCURRENT bounds the Claude Code sessions a worker runs at once: with 1, two errors
 * arriving together are proposed one after the other (the second waits in its task queue).
 */
async function peakSessions(maxConcurrent: string): Promise<{ peak: number; e: E2E }> {
  // Each Claude Code session works in a checkout of its own: its turns' times bound the session.
  const sessions = new Map<string, { first: number; last: number }>();
  const watched = scriptedFixTurns().map((turn): FakeTurn => (req) => {
    const dir = primaryWorkingDirectory(req);
    const now = Date.now();
    const s = sessions.get(dir) ?? { first: now, last: now };
    sessions.set(dir, { first: s.first, last: now });
    return (turn as Exclude<FakeTurn, 'hang'>)(req);
  });
  const e = await startE2E({ script: watched, turnDelayMs: 1500, env: { CLAUDE_MAX_CONCURRENT: maxConcurrent } });
  const ids = await Promise.all(
    ['cart-api', 'billing-api'].map(async (service) => {
      const res = await e.sendAlert(alertPayload({ id: `evt-concurrency-${service}`, service }));
      return ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
    }),
  );
  await Promise.all(ids.map((id) => e.waitForStage(id, 'awaiting-approval', 120_000)));
  await Promise.all(ids.map((id) => e.pipeline.client.workflow.getHandle(id).terminate('test over')));
  // The most sessions alive at one moment: at each session's start, those that started and had not ended.
  const spans = [...sessions.values()];
  const peak = Math.max(...spans.map((a) => spans.filter((b) => b.first <= a.first && b.last >= a.first).length));
  return { peak, e };
}

describe('Claude Code sessions per worker', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('never more than CLAUDE_MAX_CONCURRENT at once; both errors still get their proposal', async () => {
    const one = await peakSessions('1');
    e = one.e;
    expect(one.peak).toBe(1);
  }, 180_000);

  it('with room for two, the same two errors do run side by side', async () => {
    const two = await peakSessions('2');
    e = two.e;
    expect(two.peak).toBe(2);
  }, 180_000);
});
