import { STAGES_TO_VERIFIED } from '../support/release';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../workflows/domain/types';
import type { RunStatus } from '../../workflows/domain/run-status';
import { workflowIdFromMarker } from '../../workflows/domain/github-text';
import { startStubRun, type StubActivities, type StubRun } from '../support/stub-run';

/**
 * The workflow's own rules, driven on the real dev server with stub activities: no fakes, no
 * Claude, durations in milliseconds. The full-stack tests beside this file cover the wiring.
 */
let h: StubRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const start = async (stubs: Partial<StubActivities> = {}) => (h = await startStubRun(stubs));
const alice: Decision = { approved: true, userId: 'U1', userName: 'alice', via: 'slack' };
const bob: Decision = { approved: false, userId: 'U2', userName: 'bob', via: 'cli', reason: 'wrong module' };
const decide = (handle: { executeUpdate: (u: string, o: { args: [Decision] }) => Promise<unknown> }, d: Decision) =>
  handle.executeUpdate('decide', { args: [d] });
const names = (run: StubRun) => run.calls.map((c) => c.name);
const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as Error).message;
};

describe('bugfixWorkflow rules (stub activities)', () => {
  it('approved: every stage in order, each later one refreshing Slack, to verified-fixed', async () => {
    const run = await start();
    const hostile = '@acme/oncall Closes #12 Cannot read properties of undefined\nBugfix-Run: bugfix-forged';
    const handle = await run.start({}, [{ id: 'o1', at: new Date().toISOString(), message: hostile }]);
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    expect(await decide(handle, alice)).toMatchObject({ approved: true, userName: 'alice' });
    const done = (await handle.result()) as RunStatus;
    expect(done.stage).toBe('verified-fixed');
    expect(done.timeline.map((t) => t.stage)).toEqual(STAGES_TO_VERIFIED);
    expect(done).toMatchObject({
      decision: { approved: true, userName: 'alice' },
      question: { kind: 'approve-fix' },
      pullRequest: { number: 7, mergedBy: 'carol' },
      deployment: { environment: 'production' },
    });
    // The message is posted once with the diff; each update after it carries only its reference.
    const updates = run.calls.filter((c) => c.name === 'updateSuggestion');
    expect(updates).toHaveLength(6); // approved, opening-pr, awaiting-merge, awaiting-deploy, verifying, verified-fixed
    for (const u of updates) expect(Object.keys(u.input as object).sort()).toEqual(['ref', 'run']);
    expect(names(run).filter((n) => n === 'postSuggestion')).toHaveLength(1);
    // Production text in the pull request pings nobody, closes nothing, and only the run's own marker counts.
    const pr = run.calls.find((c) => c.name === 'openPullRequest')!.input as { title: string; body: string };
    expect(pr.body).not.toMatch(/@acme|#12/);
    expect(workflowIdFromMarker(pr.body)).toBe(handle.workflowId);
  });

  it('rejected: the decision is final; a second one and one while nothing is asked are refused with the reason', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const run = await start({
      fetchOccurrenceLogs: async (input) => {
        await held;
        return {
          occurrences: [],
          report: { query: input.query, from: '', to: '', scanned: 0, matched: 0, discarded: {}, truncated: false },
        };
      },
    });
    const handle = await run.start();
    await run.waitFor(handle, (s) => s.stage === 'collecting');
    expect(await refusal(decide(handle, alice))).toBe('This run is not waiting for a decision (stage: collecting)');
    release();
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval' && s.slack !== undefined);
    expect(await refusal(decide(handle, { ...alice, userId: '' }))).toBe('A decision needs the deciding user');
    await decide(handle, bob);
    expect(await refusal(decide(handle, alice))).toMatch(/^Already rejected by bob at /);
    const done = (await handle.result()) as RunStatus;
    expect(done).toMatchObject({
      stage: 'rejected',
      decision: { approved: false, reason: 'wrong module', via: 'cli' },
    });
    expect(names(run)).not.toContain('pushFixBranch');
  });

  it('no answer: reminders in the thread at each interval, then expired', async () => {
    const run = await start();
    const handle = await run.start({ approvalTimeoutMs: 4_000, reminderIntervalMs: 800 });
    const done = (await handle.result()) as RunStatus;
    expect(done.stage).toBe('expired');
    const replies = run.calls
      .filter((c) => c.name === 'replyInThread')
      .map((c) => c.input as { text: string; dedupeKey: string });
    const reminders = replies.filter((r) => r.dedupeKey.startsWith('reminder-awaiting-approval-'));
    // One at each interval that ends before the deadline (how many depends on how long each reply takes).
    expect(reminders.length).toBeGreaterThanOrEqual(2);
    expect(reminders.length).toBeLessThanOrEqual(5);
    expect(reminders.map((r) => r.dedupeKey)).toEqual(reminders.map((_, i) => `reminder-awaiting-approval-${i + 1}`));
    expect(reminders[0]!.text).toMatch(
      /^Reminder: this fix is waiting for a decision .* It expires in less than a minute\.$/,
    );
    expect(replies.find((r) => r.dedupeKey === 'expired')?.text).toMatch(/expired/);
    expect(done.decision).toBeUndefined();
  });

  it('the error comes back after the deploy: regressed, and an approved revert opens the revert pull request', async () => {
    const run = await start({
      fetchOccurrenceLogs: async (input) => {
        const after = input.window
          ? [
              {
                id: 'log-9',
                at: new Date().toISOString(),
                message: '<!channel> Cannot read properties of undefined',
                url: 'https://shop.example/<@U0ADMIN>',
              },
            ]
          : [];
        return {
          occurrences: after,
          report: {
            query: input.query,
            from: '',
            to: '',
            scanned: after.length,
            matched: after.length,
            discarded: {},
            truncated: false,
          },
        };
      },
    });
    const handle = await run.start();
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    await decide(handle, alice);
    const regressed = await run.waitFor(handle, (s) => s.stage === 'awaiting-revert-approval');
    expect(regressed.verification).toMatchObject({
      verdict: 'regressed',
      recurrences: 1,
      fromLogs: 1,
      fromWebhooksOnly: 0,
    });
    expect(regressed.question).toMatchObject({ kind: 'approve-revert' });
    expect(await refusal(decide(handle, { ...alice, userId: '' }))).toBe('A decision needs the deciding user');
    await decide(handle, { ...alice, userName: 'dave', userId: 'U4' });
    const done = (await handle.result()) as RunStatus;
    expect(done).toMatchObject({
      stage: 'reverted',
      revertDecision: { userName: 'dave' },
      revertPullRequest: { number: 8 },
      decision: { userName: 'alice' },
    });
    expect(names(run)).toContain('pushRevertBranch');
    // Production text quoted in the thread is inert: no ping, no mention.
    const regression = run.calls.find((c) => (c.input as { dedupeKey?: string }).dedupeKey === 'regressed')!.input as {
      text: string;
    };
    expect(regression.text).toContain('&lt;!channel&gt; Cannot read');
    expect(regression.text).not.toMatch(/<!channel>|<@U0ADMIN>/);
  });
});

describe('bugfixWorkflow with Cursor (stub activities)', () => {
  /** The first agent errors; later ones open PR #7. */
  const failingFirstAgent = (): Partial<StubActivities> => {
    let launched = 0;
    return {
      launchFixAgent: async () => ({ id: `agent-${++launched}`, status: 'CREATING', created: true }),
      getAgent: async (input) =>
        input.id === 'agent-1'
          ? { id: input.id, status: 'ERROR', error: 'push rejected' }
          : { id: input.id, status: 'FINISHED', prUrl: 'https://github.com/acme/shop-api/pull/7' },
    };
  };

  it('an agent that errors asks to retry; Retry launches a fresh agent and the run goes on', async () => {
    const run = await start(failingFirstAgent());
    const handle = await run.start({ applyMode: 'cursor-api' });
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    await decide(handle, alice);
    const asking = await run.waitFor(handle, (s) => s.stage === 'awaiting-retry');
    expect(asking.question).toMatchObject({ kind: 'retry-pull-request' });
    expect(asking.notes.at(-1)).toMatch(/Cursor agent agent-1 ended ERROR: push rejected/);
    await decide(handle, { ...alice, userName: 'erin', userId: 'U5' });
    const done = (await handle.result()) as RunStatus;
    expect(done.stage).toBe('verified-fixed');
    expect(
      run.calls.filter((c) => c.name === 'launchFixAgent').map((c) => (c.input as { runKey: string }).runKey),
    ).toEqual([expect.not.stringMatching(/-2$/), expect.stringMatching(/-2$/)]);
  });

  it('giving up fails the run, saying why', async () => {
    const run = await start(failingFirstAgent());
    const handle = await run.start({ applyMode: 'cursor-api' });
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    await decide(handle, alice);
    await run.waitFor(handle, (s) => s.stage === 'awaiting-retry');
    await decide(handle, bob);
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as Error).message).toMatch(
      /^Run failed at awaiting-retry: Cursor agent agent-1 ended ERROR/,
    );
  });

  it('a run cancelled while the agent works stops the agent', async () => {
    const run = await start({ getAgent: async (input) => ({ id: input.id, status: 'RUNNING' }) });
    const handle = await run.start({ applyMode: 'cursor-api', prWaitTimeoutMs: 60_000 });
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    await decide(handle, alice);
    await run.waitFor(handle, () => run.calls.some((c) => c.name === 'getAgent'));
    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(run.calls.filter((c) => c.name === 'stopAgent').map((c) => c.input)).toEqual([{ id: 'agent-1' }]);
  });
});
