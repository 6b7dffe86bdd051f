import { afterEach, describe, expect, it } from 'vitest';
import { startE2E, SERVICE, type E2E } from '../support/e2e';
import { errorLogEvent } from '../fakes/datadog-shapes';
import { approvedToPullRequest, mergedAndDeployed } from '../support/release';
import { BUGGY_FILE } from '../fakes/scripted-fix';
import type { RunStatus } from '../../workflows/domain/run-status';

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});
const result = (workflowId: string) => e!.pipeline.client.workflow.getHandle(workflowId).result() as Promise<RunStatus>;

/** An error the fix brought: a new message, thrown from the file the fix changed. */
const causedError = {
  kind: 'RangeError',
  message: 'Invalid shipping city length: -1',
  stack: [
    'RangeError: Invalid shipping city length: -1',
    `    at formatCity (/app/${BUGGY_FILE}:15:11)`,
    `    at shippingLabel (/app/${BUGGY_FILE}:14:29)`,
    '    at Server.<anonymous> (/app/src/server.ts:12:18)',
  ].join('\n'),
} as const;

/** An error of the service that was there before the deploy: never put down to the fix. */
const olderError = {
  kind: 'Error',
  message: 'Payment provider answered 502',
  stack: 'Error: Payment provider answered 502\n    at charge (/app/src/payments.ts:40:11)',
} as const;

const threadTexts = (s: RunStatus) => e!.slack.replies(s.slack!.ts).map((r) => r.text);

describe('a fix that causes new errors is rolled back', () => {
  it('ROLLBACK_POLICY=auto: the revert opens at once, is merged and deployed by the pipeline, and the new error stops', async () => {
    e = await startE2E({
      env: { VERIFY_WINDOW: '5s', ROLLBACK_POLICY: 'auto', ROLLBACK_MERGE: 'on', ROLLBACK_DEPLOY: 'on' },
    });
    e.datadog.addLog(errorLogEvent({ service: SERVICE, ...olderError, timestamp: Date.now() - 30 * 60_000 }));
    const { workflowId } = await approvedToPullRequest(e, 'evt-rollback-auto');
    const deployed = await mergedAndDeployed(e, workflowId);
    // After the deploy: the older error again, and a new one from the changed file.
    e.datadog.addLog(errorLogEvent({ service: SERVICE, ...olderError }));
    for (const user of ['u-1', 'u-2'])
      e.datadog.addLog(errorLogEvent({ service: SERVICE, ...causedError, userId: user }));

    const reverting = await e.waitFor(workflowId, (s) => s.revertPullRequest !== undefined, 60_000);
    expect(reverting.revertDecision).toBeUndefined();
    expect(reverting.causedErrors).toHaveLength(1);
    expect(reverting.causedErrors![0]).toMatchObject({
      errorType: 'RangeError',
      count: 2,
      touchedFiles: [BUGGY_FILE],
      attributedBy: expect.arrayContaining(['changed-files']),
    });
    await expect
      .poll(() => threadTexts(reverting).join('\n'))
      .toMatch(/1 new error\(s\) of the service appeared after it:[\s\S]*RangeError[\s\S]*ROLLBACK_POLICY=auto/);

    // The pipeline merged the revert and asked GitHub for a deployment of the commit before the fix.
    const byPipeline = () => e!.github.deployments().find((d) => d.creator.login === 'bugfix-bot');
    await expect.poll(byPipeline, { timeout: 30_000 }).toBeDefined();
    const rollbackDeploy = byPipeline()!;
    expect(rollbackDeploy.sha).toBe(deployed.fix!.baseCommit);
    // Keyed by the run and the fix's pull request, so a retried request finds it instead of asking twice.
    expect(rollbackDeploy.payload).toEqual({ bugfix_request: `${workflowId}#${deployed.pullRequest!.number}` });
    expect(e.github.deployments().filter((d) => d.creator.login === 'bugfix-bot')).toHaveLength(1);
    expect((await e.github.pull(reverting.revertPullRequest!.number)).merged_by?.login).toBe('bugfix-bot');
    // The deployment system carries it out.
    e.github.setDeploymentState(rollbackDeploy.id, 'success');

    const done = await result(workflowId);
    expect(done.stage).toBe('reverted');
    expect(done.rollback).toMatchObject({
      policy: 'auto',
      reason: 'caused-errors',
      merged: { by: 'bugfix-bot' },
      deployment: { id: rollbackDeploy.id, sha: deployed.fix!.baseCommit },
      verified: { stopped: true, stillSeen: [] },
    });
    expect(done.timeline.map((t) => t.stage).slice(-4)).toEqual([
      'verifying',
      'reverting',
      'verifying-revert',
      'reverted',
    ]);
    expect(threadTexts(done)).toContainEqual(expect.stringMatching(/The new errors stopped after the rollback/));
  }, 180_000);

  it('ROLLBACK_POLICY=ask: the same evidence comes with a question; after the approval the revert is followed to its deployment', async () => {
    e = await startE2E({ env: { VERIFY_WINDOW: '5s' } });
    const { workflowId } = await approvedToPullRequest(e, 'evt-rollback-ask');
    await mergedAndDeployed(e, workflowId);
    for (const user of ['u-1', 'u-2', 'u-3'])
      e.datadog.addLog(errorLogEvent({ service: SERVICE, ...causedError, userId: user }));

    const asked = await e.waitForStage(workflowId, 'awaiting-revert-approval', 60_000);
    // The error itself stayed away: only the new one asks for the revert.
    expect(asked.verification?.verdict).toBe('verified-fixed');
    expect(asked.causedErrors?.map((c) => c.count)).toEqual([3]);
    await expect
      .poll(() => JSON.stringify(e!.slack.messages(asked.slack!.channel)[0]!.blocks))
      .toContain('Approve revert');
    // The evidence follows the stage's change into the thread.
    await expect.poll(() => threadTexts(asked).join('\n')).toMatch(/1 new error\(s\)[\s\S]*Approve the revert above/);

    await e.click('approve', workflowId, { id: 'U0APPROVER', name: 'alice' });
    const reverting = await e.waitForStage(workflowId, 'reverting', 30_000);
    expect(e.github.deployments().some((d) => d.creator.login === 'bugfix-bot')).toBe(false);
    // People merge and deploy the revert as they do any change.
    const merged = await e.github.mergePullRequest(reverting.revertPullRequest!.number, { by: 'carol' });
    e.github.createDeployment({ sha: merged.merge_commit_sha!, environment: 'production', state: 'success' });

    const done = await result(workflowId);
    expect(done.stage).toBe('reverted');
    expect(done.revertDecision).toMatchObject({ approved: true, userName: 'alice' });
    expect(done.rollback).toMatchObject({
      policy: 'ask',
      reason: 'caused-errors',
      merged: { by: 'carol', sha: merged.merge_commit_sha },
      deployment: { sha: merged.merge_commit_sha },
      verified: { stopped: true },
    });
  }, 180_000);

  it('a revert nobody merges in time: the run ends regressed, saying the fix is still in production', async () => {
    e = await startE2E({ env: { VERIFY_WINDOW: '5s', PR_WAIT_TIMEOUT: '20s' } });
    const { workflowId } = await approvedToPullRequest(e, 'evt-rollback-unmerged');
    await mergedAndDeployed(e, workflowId);
    for (const user of ['u-1', 'u-2'])
      e.datadog.addLog(errorLogEvent({ service: SERVICE, ...causedError, userId: user }));
    await e.waitForStage(workflowId, 'awaiting-revert-approval', 60_000);
    await e.click('approve', workflowId, { id: 'U0APPROVER', name: 'alice' });
    await e.waitForStage(workflowId, 'reverting', 30_000);

    const done = await result(workflowId);
    expect(done.stage).toBe('regressed');
    expect(done.revertPullRequest).toBeDefined();
    expect(done.rollback).toMatchObject({ policy: 'ask', reason: 'caused-errors' });
    expect(done.rollback!.merged).toBeUndefined();
    expect(threadTexts(done)).toContainEqual(
      'The revert pull request was not merged in time: the fix is still in production.',
    );
  }, 180_000);
});
