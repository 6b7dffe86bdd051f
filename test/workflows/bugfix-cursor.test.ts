import { webhookTargetSignature } from '../../workflows/domain/webhook-target';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeDeployVerify } from '../support/release';
import { startE2E, alertPayload, SLACK_CHANNEL, type E2E } from '../support/e2e';
import { askCursorInThread, cursorOpensPullRequest, markerIn } from '../support/cursor-opens-pr';

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

async function approve(env: E2E): Promise<string> {
  const { workflows } = (await (await env.sendAlert(alertPayload({ id: 'evt-cursor' }))).json()) as {
    workflows: { workflowId: string }[];
  };
  const workflowId = workflows[0]!.workflowId;
  await env.waitFor(workflowId, (s) => s.slack !== undefined, 90_000);
  await env.click('approve', workflowId);
  return workflowId;
}

describe('FIX_APPLY_MODE=cursor-api', () => {
  it('a Cursor cloud agent opens the PR (signed webhook back); the run goes on to verified', async () => {
    e = await startE2E({
      env: { FIX_APPLY_MODE: 'cursor-api' },
      cursor: {
        autoFinishAfterMs: 200,
        onLaunch: (agent) =>
          cursorOpensPullRequest(
            e!,
            agent.target.branchName,
            `Applies the approved fix.\n\n${markerIn(agent.prompt.text)}`,
          ),
      },
    });
    const workflowId = await approve(e);
    const done = await mergeDeployVerify(e, workflowId);
    expect(done.stage).toBe('verified-fixed');
    expect(done.pullRequest).toMatchObject({ openedBy: 'cursor[bot]' });
    expect(done.pullRequest!.branch).toMatch(/^cursor\//);

    const [agent] = e.cursor.agents();
    expect(e.cursor.agents()).toHaveLength(1);
    expect(agent!.prompt.text).toContain(`Bugfix-Run: ${workflowId}`);
    expect(agent!.prompt.text).toContain('optional');
    // The run to wake is in the URL, signed: Cursor's body signature does not cover the query.
    expect(agent!.webhook?.url).toBe(
      `${e.pipeline.config.api.publicUrl}/webhooks/cursor?workflowId=${encodeURIComponent(workflowId)}&sig=${webhookTargetSignature(e.pipeline.config.cursor.webhookSecret!, workflowId)}`,
    );
    await expect.poll(() => e!.cursor.webhookDeliveries.map((d) => d.status)).toContain(202);
  }, 180_000);

  it('an agent that errors is reported; Retry in Slack launches a fresh agent and the run goes on', async () => {
    let launches = 0;
    e = await startE2E({
      env: { FIX_APPLY_MODE: 'cursor-api' },
      cursor: {
        autoFinishAfterMs: 100,
        onLaunch: (agent) => {
          if (++launches === 1) throw new Error('could not apply the diff');
          return cursorOpensPullRequest(
            e!,
            agent.target.branchName,
            `Applies the approved fix.\n\n${markerIn(agent.prompt.text)}`,
          );
        },
      },
    });
    const workflowId = await approve(e);
    const waiting = await e.waitForStage(workflowId, 'awaiting-retry', 60_000);
    expect(waiting.notes.at(-1)).toMatch(/Cursor agent .* ended ERROR/);
    const message = e.slack.messages(SLACK_CHANNEL)[0]!;
    await expect
      .poll(() =>
        e!.slack
          .replies(message.ts)
          .map((r) => r.text ?? '')
          .join('\n'),
      )
      .toMatch(/ended ERROR.*Retry/);
    await expect.poll(() => JSON.stringify(e!.slack.messages(SLACK_CHANNEL)[0]!.blocks)).toContain('"text":"Retry"');

    await e.click('approve', workflowId);
    const s = await e.waitForStage(workflowId, 'awaiting-merge', 60_000);
    expect(s.question).toMatchObject({ kind: 'retry-pull-request', answer: { approved: true, userName: 'alice' } });
    expect(e.cursor.agents()).toHaveLength(2);
    expect(e.github.pulls()).toHaveLength(1);
    await e.pipeline.client.workflow.getHandle(workflowId).terminate('test over');
  }, 180_000);
});

describe('FIX_APPLY_MODE=cursor-slack', () => {
  it('invites the approver to ask @Cursor in the thread, finds the PR Cursor opens, and records who asked', async () => {
    e = await startE2E({ env: { FIX_APPLY_MODE: 'cursor-slack' } });
    const workflowId = await approve(e);
    await askCursorInThread(e, workflowId);
    await cursorOpensPullRequest(
      e,
      'cursor/fix-guest-checkout-7f3a',
      `Guests have no profile.\n\nBugfix-Run: ${workflowId}`,
    );
    const done = await mergeDeployVerify(e, workflowId);
    expect(done.stage).toBe('verified-fixed');
    expect(done.pullRequest).toMatchObject({
      branch: 'cursor/fix-guest-checkout-7f3a',
      openedBy: 'cursor[bot]',
      requestedBy: 'U0APPROVER',
    });
  }, 180_000);

  it('a Cursor pull request that differs from the approved fix is shown and needs approving again', async () => {
    e = await startE2E({
      env: { FIX_APPLY_MODE: 'cursor-slack', PROTECTED_PATH_APPROVER_SLACK_USER_IDS: 'U0SECURITY' },
    });
    const workflowId = await approve(e);
    await askCursorInThread(e, workflowId);
    await cursorOpensPullRequest(e, 'cursor/fix-guest-checkout-9b1c', `Fix.\n\nBugfix-Run: ${workflowId}`, {
      '.github/workflows/deploy.yml': 'on: push\njobs: {}\n',
    });
    const waiting = await e.waitForStage(workflowId, 'awaiting-pr-approval', 60_000);
    expect(waiting.pullRequest).toBeUndefined();
    expect(waiting.pullRequestCheck).toEqual({
      differences: ['.github/workflows/deploy.yml: not in the approved fix'],
      protectedFiles: [{ path: '.github/workflows/deploy.yml', reason: 'CI configuration' }],
    });
    const message = e.slack.messages(SLACK_CHANNEL)[0]!;
    // The stage is set before the thread hears about it.
    await expect
      .poll(() => e!.slack.replies(message.ts).at(-1)?.text, { timeout: 10_000 })
      .toMatch(
        /does not match the approved fix:\n• \.github\/workflows\/deploy\.yml: not in the approved fix\nIt changes protected files/,
      );
    expect(JSON.stringify(message.blocks)).toContain('Adopt pull request');

    // The approver of the fix may not adopt a PR that adds a CI file; a protected-path approver may.
    await e.click('approve', workflowId);
    await expect.poll(() => e!.slack.responses(`${workflowId}-U0APPROVER`).length).toBe(1);
    expect(String(e.slack.responses(`${workflowId}-U0APPROVER`)[0]!.body.text)).toMatch(/protected-path approver/);
    await e.click('approve', workflowId, { id: 'U0SECURITY', name: 'sam' });
    const adopted = await e.waitForStage(workflowId, 'awaiting-merge', 60_000);
    expect(adopted.pullRequest?.branch).toBe('cursor/fix-guest-checkout-9b1c');
    expect(adopted.adoptDecision).toMatchObject({ approved: true, userId: 'U0SECURITY' });
    await e.pipeline.client.workflow.getHandle(workflowId).terminate('test over');
  }, 180_000);
});
