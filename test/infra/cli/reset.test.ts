import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SLACK_CHANNEL, type E2E } from '../../support/e2e';
import type { AnthropicFake } from '../../fakes/anthropic-fake';
import { cliEnv, runCli } from './run-cli';

/** Claude Code sessions the model fake has seen: each starts with a turn that has no assistant message yet. */
const sessions = (a: AnthropicFake) =>
  a.turnRequests().filter((r) => !(r.body?.messages ?? []).some((m) => m.role === 'assistant')).length;

describe('bugfix CLI: reset a run to before a step', () => {
  let e: E2E;
  let env: Record<string, string>;
  let workflowId: string;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    e = await startE2E();
    env = cliEnv(e);
    const res = await e.sendAlert(alertPayload({ id: 'evt-cli-reset' }));
    workflowId = ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
    await e.waitFor(workflowId, (s) => s.slack !== undefined, 90_000);
  }, 120_000);
  afterAll(async () => {
    await e?.pipeline.client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
    await e?.close();
  });

  it('refuses a step that never ran in this run (exit 3), and an unknown step name (exit 2)', async () => {
    const [never, unknown] = await Promise.all([
      cli('reset', workflowId, '--to', 'openPullRequest', '--json'),
      cli('reset', workflowId, '--to', 'askTheOracle'),
    ]);
    expect(never.code).toBe(3);
    const out = never.json<{ error: string; stepsSeen: string[] }>();
    expect(out.error).toMatch(/Step openPullRequest did not happen in run/);
    expect(out.stepsSeen).toEqual(
      expect.arrayContaining(['cloneRepository', 'proposeFix', 'postSuggestion', 'awaiting-approval']),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown step "askTheOracle"/);
    expect(sessions(e.anthropic)).toBe(1);
  }, 60_000);

  it('reset --to proposeFix runs Claude again in a new run that waits for approval again', async () => {
    const before = await e.status(workflowId);
    expect(sessions(e.anthropic)).toBe(1);
    // Without a terminal to ask on, nothing happens unless --yes says so; the refusal says what would run again.
    const unconfirmed = await cli('reset', workflowId, '--to', 'proposeFix');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(
      /runs again: proposeFix, postSuggestion.*the running run .* is terminated\. Not reset: .*--yes/,
    );
    expect((await e.status(workflowId)).runId).toBe(before.runId);

    const r = await cli('reset', workflowId, '--to', 'proposeFix', '--reason', 'prompt fixed', '--yes', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = r.json<{ runId: string; previousRunId: string; resetToEventId: number; runsAgain: string[] }>();
    expect(out.runsAgain).toEqual(['proposeFix', 'postSuggestion', 'escalationPolicy']);
    expect(out.previousRunId).toBe(before.runId);
    expect(out.runId).not.toBe(before.runId);

    const after = await e.waitFor(workflowId, (s) => s.runId === out.runId && s.slack !== undefined, 90_000);
    expect(sessions(e.anthropic)).toBe(2);
    expect(after.stage).toBe('awaiting-approval');
    // The steps before the reset point were kept, not redone: the same occurrence, the same base commit.
    expect(after.occurrences).toBe(before.occurrences);
    expect(after.fix?.baseCommit).toBe(before.fix?.baseCommit);
    expect(after.timeline.map((t) => t.stage)).toEqual(['collecting', 'cloning', 'proposing', 'awaiting-approval']);

    const old = await e.pipeline.client.workflow.getHandle(workflowId, before.runId, { followRuns: false }).describe();
    expect(old.status.name).toBe('TERMINATED');
    // The same attempt: the reset run found and updated the message the first one posted.
    expect(after.firstRunId).toBe(before.firstRunId);
    expect(after.slack?.ts).toBe(before.slack?.ts);
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);
  }, 120_000);

  it('a reset after the pull request opened makes no second branch, pull request or message', async () => {
    expect((await cli('approve', workflowId)).code).toBe(0);
    const opened = await e.waitFor(workflowId, (s) => s.pullRequest !== undefined, 90_000);
    const r = await cli('reset', workflowId, '--to', 'pushFixBranch', '--yes', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { runId } = r.json<{ runId: string }>();
    const again = await e.waitFor(workflowId, (s) => s.runId === runId && s.pullRequest !== undefined, 90_000);
    expect(again.pullRequest).toMatchObject({ number: opened.pullRequest!.number, branch: opened.pullRequest!.branch });
    expect(e.github.pulls()).toHaveLength(1);
    expect(await e.git.branches('shop-api')).toEqual([opened.pullRequest!.branch, 'main'].sort());
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);
    const replies = e.slack.replies(again.slack!.ts).map((m) => m.text ?? '');
    expect(replies.filter((t) => t.startsWith('Pull request opened'))).toHaveLength(1);
  }, 150_000);
});
