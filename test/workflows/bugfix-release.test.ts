import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, GITHUB_WEBHOOK_SECRET, SERVICE, SLACK_CHANNEL, type E2E } from '../support/e2e';
import { errorLogEvent } from '../fakes/datadog-shapes';
import { approvedToPullRequest, mergedAndDeployed } from '../support/release';
import { pullRequestEvent, sendWebhook } from '../fakes/github-wire';
import { BUGGY_LINE, BUGGY_FILE, sampleError, unrelatedError } from '../fakes/scripted-fix';
import type { RunStatus } from '../../workflows/domain/run-status';

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});
const result = (workflowId: string) => e!.pipeline.client.workflow.getHandle(workflowId).result() as Promise<RunStatus>;

describe('second half: tracking the pull request, the deploy and production', () => {
  it('a signed GitHub webhook moves the run at once; a forged one is refused; one for no run is ignored', async () => {
    // Polling so slow that only the webhook can explain quick progress.
    e = await startE2E({ env: { POLL_INTERVAL: '5m', POLL_MAX_INTERVAL: '5m' } });
    const { workflowId, prNumber } = await approvedToPullRequest(e);
    await e.waitForStage(workflowId, 'awaiting-merge');
    // The run has looked once (and now sleeps for minutes) before the merge happens.
    await expect
      .poll(() => e!.github.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/pulls/${prNumber}`)), {
        timeout: 30_000,
      })
      .toBe(true);
    const merged = await e.github.mergePullRequest(prNumber, { by: 'carol' });
    const url = `${e.pipeline.apiUrl}/webhooks/github`;

    const forged = await sendWebhook(
      url,
      'pull_request',
      pullRequestEvent('closed', merged, 'carol'),
      'not-the-secret',
    );
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await e.status(workflowId)).stage).toBe('awaiting-merge');

    const other = await sendWebhook(
      url,
      'pull_request',
      pullRequestEvent(
        'closed',
        { ...merged, body: 'unrelated', html_url: 'https://github.com/acme/shop-api/pull/999' },
        'carol',
      ),
      GITHUB_WEBHOOK_SECRET,
    );
    expect(other.status).toBe(202);
    expect(JSON.parse(other.body)).toMatchObject({ ignored: true, delivered: [] });

    const real = await sendWebhook(
      url,
      'pull_request',
      pullRequestEvent('closed', merged, 'carol'),
      GITHUB_WEBHOOK_SECRET,
    );
    expect(real.status).toBe(202);
    expect(JSON.parse(real.body)).toMatchObject({ delivered: [workflowId] });
    const s = await e.waitForStage(workflowId, 'awaiting-deploy', 10_000);
    expect(s.pullRequest?.mergedBy).toBe('carol');
    await e.pipeline.client.workflow.getHandle(workflowId).terminate('test over');
  }, 150_000);

  it('with every webhook lost, polling alone carries the run from merge to verified', async () => {
    e = await startE2E();
    const { workflowId, prNumber } = await approvedToPullRequest(e);
    e.github.addReview(prNumber, {
      user: 'claude[bot]',
      state: 'COMMENTED',
      body: 'Looks right: optional chaining covers guests.',
    });
    await e.github.mergePullRequest(prNumber, { by: 'dave' });
    const s = await e.waitForStage(workflowId, 'awaiting-deploy');
    e.github.createDeployment({ sha: s.pullRequest!.mergeCommitSha!, environment: 'production', state: 'success' });
    const done = await result(workflowId);
    expect(done.stage).toBe('verified-fixed');
    expect(done.review).toMatchObject({ user: 'claude[bot]', body: 'Looks right: optional chaining covers guests.' });
    expect(e.slack.replies(done.slack!.ts).map((r) => r.text)).toContainEqual(
      expect.stringContaining('Review by claude[bot]'),
    );
  }, 150_000);

  it('a pull request closed without merge ends the run, saying who closed it', async () => {
    e = await startE2E();
    const { workflowId, prNumber } = await approvedToPullRequest(e);
    e.github.closePullRequest(prNumber, { by: 'erin' });
    const done = await result(workflowId);
    expect(done.stage).toBe('closed-unmerged');
    expect(done.pullRequest).toMatchObject({ closedBy: 'erin' });
    expect(JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]!.blocks)).toContain('Closed without merge by erin');
  }, 150_000);

  it('no deployment within DEPLOY_TIMEOUT: the run stalls and says so', async () => {
    e = await startE2E({ env: { DEPLOY_TIMEOUT: '2s' } });
    const { workflowId, prNumber } = await approvedToPullRequest(e);
    await e.github.mergePullRequest(prNumber, { by: 'carol' });
    const done = await result(workflowId);
    expect(done.stage).toBe('stalled');
    expect(done.deployment).toBeUndefined();
    expect(e.slack.replies(done.slack!.ts).at(-1)!.text).toMatch(/Run ended: \*stalled\*/);
  }, 150_000);

  it('the error comes back after the deploy: regressed, and after a second approval a revert PR restores the old code', async () => {
    e = await startE2E({ env: { VERIFY_WINDOW: '6s' } });
    const { workflowId } = await approvedToPullRequest(e);
    await mergedAndDeployed(e, workflowId);
    // Production still throws: Datadog alerts again during the verification window.
    expect((await e.sendAlert(alertPayload({ id: 'evt-after-deploy' }))).status).toBe(202);

    const regressed = await e.waitForStage(workflowId, 'awaiting-revert-approval', 30_000);
    expect(regressed.verification).toMatchObject({
      verdict: 'regressed',
      recurrences: 1,
      fromLogs: 0,
      fromWebhooksOnly: 1,
    });
    await expect.poll(() => JSON.stringify(e!.slack.messages(SLACK_CHANNEL)[0]!.blocks)).toContain('Approve revert');
    await expect
      .poll(() => e!.slack.replies(regressed.slack!.ts).map((r) => r.text))
      .toContainEqual(expect.stringMatching(/came back after the deploy: 1 occurrence/));

    await e.click('approve', workflowId, { id: 'U0APPROVER', name: 'alice' });
    // The revert is followed to production like the fix: people merge and deploy it.
    const reverting = await e.waitForStage(workflowId, 'reverting', 30_000);
    const merged = await e.github.mergePullRequest(reverting.revertPullRequest!.number, { by: 'carol' });
    e.github.createDeployment({ sha: merged.merge_commit_sha!, environment: 'production', state: 'success' });
    const done = await result(workflowId);
    expect(done.stage).toBe('reverted');
    expect(done.revertDecision).toMatchObject({ approved: true, userName: 'alice' });
    expect(done.rollback).toMatchObject({
      reason: 'regression',
      merged: { by: 'carol', sha: merged.merge_commit_sha },
      deployment: { sha: merged.merge_commit_sha },
    });
    const revert = await e.github.pull(done.revertPullRequest!.number);
    expect(revert.body).toContain(`Bugfix-Run: ${workflowId}`);
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout } = await promisify(execFile)('git', [
      '--git-dir',
      e.git.repoPath('shop-api'),
      'show',
      `${done.revertPullRequest!.branch}:${BUGGY_FILE}`,
    ]);
    expect(stdout).toContain(BUGGY_LINE);
  }, 150_000);

  it("a regression visible only in Datadog's logs (the monitor did not fire again) is detected", async () => {
    e = await startE2E({ env: { VERIFY_WINDOW: '6s' } });
    const { workflowId } = await approvedToPullRequest(e, 'evt-logs-only');
    await mergedAndDeployed(e, workflowId);
    for (const user of ['u-1', 'u-2', 'u-3'])
      e.datadog.addLog(errorLogEvent({ service: SERVICE, ...sampleError, userId: user }));
    // Another error of the service in the same window is not a recurrence.
    e.datadog.addLog(errorLogEvent({ service: SERVICE, ...unrelatedError }));

    const regressed = await e.waitForStage(workflowId, 'awaiting-revert-approval', 30_000);
    expect(regressed.verification).toMatchObject({
      verdict: 'regressed',
      recurrences: 3,
      fromLogs: 3,
      fromWebhooksOnly: 0,
    });
    await expect
      .poll(() => e!.slack.replies(regressed.slack!.ts).map((r) => r.text))
      .toContainEqual(expect.stringMatching(/came back after the deploy: 3 occurrence\(s\).*3 in Datadog's logs/));
    expect((await e.submitRejectReason(workflowId, 'keep the fix, the new errors come from elsewhere')).status).toBe(
      200,
    );
    const done = await result(workflowId);
    expect(done.stage).toBe('regressed');
    expect(e.slack.replies(done.slack!.ts).at(-1)!.text).toMatch(
      /3 occurrence\(s\) in the \d+s after the deploy \(3 in Datadog's logs\)/,
    );
  }, 150_000);
});
