import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../workflows/domain/types';
import type { RunStatus } from '../../workflows/domain/run-status';
import { startStubRun, type StubActivities, type StubRun } from '../support/stub-run';

/** Cost bounds, driven on the real dev server with stub activities and durations in milliseconds. */
let h: StubRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const start = async (stubs: Partial<StubActivities> = {}) => (h = await startStubRun(stubs));
const oncall = (approved: boolean): Decision => ({ approved, userId: 'U1', userName: 'oncall', via: 'cli' });
const decide = (handle: { executeUpdate: (u: string, o: { args: [Decision] }) => Promise<unknown> }, d: Decision) =>
  handle.executeUpdate('decide', { args: [d] });
const proposals = (run: StubRun) => run.calls.filter((c) => c.name === 'proposeFix').length;
const budget = (cooldownMs: number) => ({ budget: { dailyUsd: 10, serviceDailyUsd: 3, cooldownMs } });

describe('cost bounds (stub activities)', () => {
  it('after a rejection, a new run of the same error waits out FIX_COOLDOWN before Claude runs', async () => {
    let closedAt = '';
    // The earlier run ended just as this one asks (a slow start must not eat the cooldown).
    const run = await start({
      previousAttempt: async () => ({ stage: 'rejected', closedAt: (closedAt = new Date().toISOString()) }),
    });
    const handle = await run.start(budget(1_500));
    const waiting = await run.waitFor(handle, (s) => s.stage === 'cooling-down');
    expect(waiting.notes.at(-1)).toMatch(
      /previous run of this error ended rejected at .* no new proposal before .* \(FIX_COOLDOWN\)/,
    );
    expect(proposals(run)).toBe(0);
    const proposed = await run.waitFor(handle, (s) => s.stage === 'awaiting-approval', 10_000);
    expect(Date.now() - Date.parse(closedAt)).toBeGreaterThanOrEqual(1_500);
    expect(proposed.timeline.map((t) => t.stage)).toEqual([
      'collecting',
      'cloning',
      'cooling-down',
      'proposing',
      'awaiting-approval',
    ]);
    expect(proposals(run)).toBe(1);
    await handle.terminate('test over');
  });

  it('an operator can go ahead during the cooldown; an approved earlier run means no cooldown', async () => {
    const run = await start({
      previousAttempt: async () => ({ stage: 'expired', closedAt: new Date().toISOString() }),
    });
    const handle = await run.start(budget(600_000));
    await run.waitFor(handle, (s) => s.stage === 'cooling-down');
    await decide(handle, oncall(true));
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    expect(proposals(run)).toBe(1);
    await handle.terminate('test over');

    const verified = await start({
      previousAttempt: async () => ({ stage: 'verified-fixed', closedAt: new Date().toISOString() }),
    });
    const again = await verified.start(budget(600_000));
    const s = await verified.waitFor(again, (st) => st.stage === 'awaiting-approval');
    expect(s.timeline.map((t) => t.stage)).not.toContain('cooling-down');
    await again.terminate('test over');
  });

  it('over the daily budget, the run waits (visibly) instead of spending; approve spends, reject stops', async () => {
    const overService = async () => ({ totalUsd: 4, serviceUsd: 3.5, runs: 7 });
    const run = await start({ claudeSpend: overService });
    const handle = await run.start(budget(0));
    const waiting = await run.waitFor(handle, (s) => s.stage === 'awaiting-budget');
    expect(waiting.notes.at(-1)).toMatch(
      /^Claude Code budget reached today: shop-api spent \$3\.50 of CLAUDE_SERVICE_DAILY_BUDGET_USD \(\$3\)\. Waiting until \d{4}-\d\d-\d\dT00:00:00\.000Z/,
    );
    expect(waiting.question).toMatchObject({ kind: 'exceed-budget' });
    expect(proposals(run)).toBe(0);
    await decide(handle, oncall(true));
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    expect(proposals(run)).toBe(1);
    await handle.terminate('test over');

    const stopped = await start({ claudeSpend: async () => ({ totalUsd: 12, serviceUsd: 0, runs: 30 }) });
    const other = await stopped.start(budget(0));
    await stopped.waitFor(other, (s) => s.stage === 'awaiting-budget');
    await decide(other, oncall(false));
    const done = (await other.result()) as RunStatus;
    expect(done.stage).toBe('rejected');
    expect(done.notes).toContainEqual(expect.stringMatching(/all services spent \$12\.00 of CLAUDE_DAILY_BUDGET_USD/));
    expect(proposals(stopped)).toBe(0);
  });
});
