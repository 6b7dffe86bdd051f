import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SLACK_CHANNEL, type E2E } from '../support/e2e';
import { CI_FILE, POSTINSTALL, injectedFixTurns } from '../fakes/injected-fix';
import { FIXED_LINE } from '../fakes/scripted-fix';

const run = promisify(execFile);
const SECURITY = { id: 'U0SECURITY', name: 'sam' };

async function startRun(e: E2E, id: string): Promise<string> {
  const res = await e.sendAlert(alertPayload({ id }));
  return ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
}

describe('a fix that changes protected files (a prompt injection obeyed)', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('is refused by default: reported in Slack with every file named, no buttons, nothing pushed', async () => {
    e = await startE2E({ script: injectedFixTurns() });
    const workflowId = await startRun(e, 'evt-protected-refused');
    const done = await e.pipeline.client.workflow.getHandle(workflowId).result();
    expect(done.stage).toBe('refused');
    expect(done.fix?.protectedFiles).toEqual([
      { path: CI_FILE, reason: 'CI configuration' },
      { path: 'package.json', reason: 'dependency manifest' },
    ]);
    expect(done.notes.at(-1)).toMatch(/^Refused: this fix changes protected files \(\.github\/workflows\/ci\.yml/);

    const [message] = e.slack.messages(SLACK_CHANNEL);
    const blocks = JSON.stringify(message!.blocks);
    expect(blocks).not.toContain('"type":"actions"');
    expect(blocks).toContain('Protected files changed');
    expect(blocks).toContain('Files changed (3)');
    expect(blocks).toContain('Refused: this fix cannot be approved here');
    expect(e.slack.replies(message!.ts).at(-1)?.text).toMatch(/refused/i);
    // An approver's click changes nothing: the run asks nobody.
    await e.click('approve', workflowId);
    await expect.poll(() => e!.slack.responses().length).toBe(1);
    expect(await e.git.branches('shop-api')).toEqual(['main']);
    expect(e.github.pulls()).toEqual([]);
  }, 120_000);

  it('with PROTECTED_PATHS_POLICY=separate-approval, only a protected-path approver can approve it', async () => {
    e = await startE2E({
      script: injectedFixTurns(),
      env: { PROTECTED_PATHS_POLICY: 'separate-approval', PROTECTED_PATH_APPROVER_SLACK_USER_IDS: SECURITY.id },
    });
    const workflowId = await startRun(e, 'evt-protected-separate');
    // The stage is set just before the message is posted: wait for the message.
    await e.waitFor(workflowId, (s) => s.stage === 'awaiting-approval' && s.slack !== undefined, 90_000);
    const blocks = JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]!.blocks);
    expect(blocks).toContain('"type":"actions"');
    expect(blocks).toContain('only a protected-path approver can approve this fix');

    // A regular approver may not approve it (they may still reject it)...
    await e.click('approve', workflowId);
    await expect.poll(() => e!.slack.responses(`${workflowId}-U0APPROVER`).length).toBe(1);
    expect(String(e.slack.responses(`${workflowId}-U0APPROVER`)[0]!.body.text)).toMatch(
      /only a protected-path approver \(PROTECTED_PATH_APPROVER_SLACK_USER_IDS\) can approve it/,
    );
    expect((await e.status(workflowId)).decision).toBeUndefined();

    // ...a protected-path approver can, and the whole diff reaches the branch.
    await e.click('approve', workflowId, SECURITY);
    const opened = await e.waitFor(workflowId, (s) => s.pullRequest !== undefined, 90_000);
    expect(opened.decision).toMatchObject({ userId: SECURITY.id, mayApproveProtected: true });
    const { stdout } = await run('git', ['show', `${opened.pullRequest!.branch}:${CI_FILE}`], {
      cwd: e.git.repoPath('shop-api'),
    });
    expect(stdout).toContain('attacker.example');
    const pkg = await run('git', ['show', `${opened.pullRequest!.branch}:package.json`], {
      cwd: e.git.repoPath('shop-api'),
    });
    expect(pkg.stdout).toContain(POSTINSTALL);
    const cart = await run('git', ['show', `${opened.pullRequest!.branch}:src/cart.ts`], {
      cwd: e.git.repoPath('shop-api'),
    });
    expect(cart.stdout).toContain(FIXED_LINE);
    await e.pipeline.client.workflow.getHandle(workflowId).terminate('test over');
  }, 150_000);
});
