import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startE2E, alertPayload, sendAppAlert, SERVICE, type E2E } from '../../support/e2e';
import { askCursorInThread, cursorOpensPullRequest, markerIn } from '../../support/cursor-opens-pr';
import { repoRoot } from '../../../infra/platform/config/read-config';
import type { RunStatus } from '../../../workflows/domain/run-status';
import { cliEnv, runCli } from './run-cli';
import { breakThenFixTurns, nodeOrders } from '../../fakes/language-fixes';
import { errorLogEvent } from '../../fakes/datadog-shapes';
import { BUGGY_FILE } from '../../fakes/scripted-fix';

/**
 * Records the histories that test/workflows/replay.test.ts replays, each through the CLI's
 * export-history. Only on demand (they are committed): RECORD_HISTORIES=1 npx vitest run test/infra/cli/record-histories.test.ts
 */
const OUT = path.join(repoRoot, 'test/fixtures/histories');

async function startRun(e: E2E, deliveryId: string): Promise<string> {
  const res = await e.sendAlert(alertPayload({ id: deliveryId }));
  const workflowId = ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
  await e.waitFor(workflowId, (s) => s.slack !== undefined, 90_000);
  return workflowId;
}

async function mergeAndDeploy(e: E2E, workflowId: string): Promise<void> {
  const s = await e.waitForStage(workflowId, 'awaiting-merge', 60_000);
  e.github.addReview(s.pullRequest!.number, { user: 'claude[bot]', state: 'COMMENTED', body: 'Looks right.' });
  await e.github.mergePullRequest(s.pullRequest!.number, { by: 'carol' });
  const merged = await e.waitForStage(workflowId, 'awaiting-deploy');
  e.github.createDeployment({ sha: merged.pullRequest!.mergeCommitSha!, environment: 'production', state: 'success' });
}

/** Waits for the run to close (completed or failed), then exports its history through the CLI. */
async function record(e: E2E, workflowId: string, name: string, stage: RunStatus['stage']): Promise<void> {
  const handle = e.pipeline.client.workflow.getHandle(workflowId);
  const done = await handle.result().then(
    (r) => (r as RunStatus).stage,
    () => 'failed',
  );
  expect(done).toBe(stage);
  const r = await runCli(['export-history', workflowId, '--out', path.join(OUT, `${name}.json`), '--json'], cliEnv(e));
  expect(r.code, r.stderr).toBe(0);
}

async function scenario(
  env: Record<string, string>,
  body: (e: E2E) => Promise<void>,
  opts: Parameters<typeof startE2E>[0] = {},
): Promise<void> {
  const e = await startE2E({ ...opts, env: { ...opts.env, ...env } });
  try {
    await body(e);
  } finally {
    await e.close();
  }
}

describe.skipIf(!process.env.RECORD_HISTORIES)('record replay histories', () => {
  it(
    'regression test: the first fix breaks a test and is sent back, the second reproduces; approved, verified fixed',
    () =>
      scenario(
        { VERIFY_TEST_POLICY: 'prefer', CLAUDE_SANDBOX: 'off' },
        async (e) => {
          const id = await sendAppAlert(e, nodeOrders, 'evt-rec-regression-test');
          const s = await e.waitFor(id, (st) => st.slack !== undefined, 120_000);
          expect(
            s.stage,
            JSON.stringify({
              notes: s.notes,
              files: s.fix?.filesTouched,
              attempt: s.fix?.attempt,
              tests: s.fix?.tests,
            }),
          ).toBe('awaiting-approval');
          await e.click('approve', id);
          await mergeAndDeploy(e, id);
          await record(e, id, 'regression-test-retried-verified', 'verified-fixed');
        },
        { repo: { name: nodeOrders.service, dir: nodeOrders.dir }, script: breakThenFixTurns(nodeOrders) },
      ),
    180_000,
  );

  it(
    'direct mode: approved (CLI), merged, deployed, verified fixed',
    () =>
      scenario({}, async (e) => {
        const id = await startRun(e, 'evt-rec-direct');
        expect((await runCli(['approve', id, '--as', 'oncall'], cliEnv(e))).code).toBe(0);
        await mergeAndDeploy(e, id);
        await record(e, id, 'direct-approved-verified', 'verified-fixed');
      }),
    180_000,
  );

  it(
    'rejected with a reason in Slack',
    () =>
      scenario({}, async (e) => {
        const id = await startRun(e, 'evt-rec-rejected');
        await e.submitRejectReason(id, 'Hides the bug: guests should not reach checkout.');
        await record(e, id, 'rejected', 'rejected');
      }),
    180_000,
  );

  it(
    'expired after reminders',
    () =>
      scenario({ APPROVAL_TIMEOUT: '3s', APPROVAL_REMINDER_INTERVAL: '1s' }, async (e) => {
        const id = await startRun(e, 'evt-rec-expired');
        await record(e, id, 'expired', 'expired');
      }),
    180_000,
  );

  it(
    'regression after the deploy, revert approved',
    () =>
      scenario({ VERIFY_WINDOW: '6s' }, async (e) => {
        const id = await startRun(e, 'evt-rec-regressed');
        await e.click('approve', id);
        await mergeAndDeploy(e, id);
        await e.waitForStage(id, 'verifying');
        await e.sendAlert(alertPayload({ id: 'evt-rec-regressed-again' }));
        await e.waitForStage(id, 'awaiting-revert-approval', 30_000);
        await e.click('approve', id);
        await record(e, id, 'direct-regressed-reverted', 'reverted');
      }),
    180_000,
  );

  it('cursor-api mode: a Cursor agent opens the PR, verified fixed', () => {
    let e: E2E | undefined;
    return scenario(
      { FIX_APPLY_MODE: 'cursor-api' },
      async (env) => {
        e = env;
        const id = await startRun(env, 'evt-rec-cursor-api');
        await env.click('approve', id);
        await mergeAndDeploy(env, id);
        await record(env, id, 'cursor-api-verified', 'verified-fixed');
      },
      {
        cursor: {
          autoFinishAfterMs: 200,
          onLaunch: (agent) =>
            cursorOpensPullRequest(e!, agent.target.branchName, `Applies the fix.\n\n${markerIn(agent.prompt.text)}`),
        },
      },
    );
  }, 180_000);

  it(
    'cursor-slack mode: asked in the thread, verified fixed',
    () =>
      scenario({ FIX_APPLY_MODE: 'cursor-slack' }, async (e) => {
        const id = await startRun(e, 'evt-rec-cursor-slack');
        await e.click('approve', id);
        await askCursorInThread(e, id);
        await cursorOpensPullRequest(e, 'cursor/fix-guest-checkout', `Guests have no profile.\n\nBugfix-Run: ${id}`);
        await mergeAndDeploy(e, id);
        await record(e, id, 'cursor-slack-verified', 'verified-fixed');
      }),
    180_000,
  );

  it('cursor-api mode: the agent errors, retried from the CLI, verified fixed', () => {
    let e: E2E | undefined;
    let launches = 0;
    return scenario(
      { FIX_APPLY_MODE: 'cursor-api' },
      async (env) => {
        e = env;
        const id = await startRun(env, 'evt-rec-cursor-retry');
        await env.click('approve', id);
        await env.waitForStage(id, 'awaiting-retry', 60_000);
        expect((await runCli(['approve', id, '--as', 'oncall'], cliEnv(env))).code).toBe(0);
        await mergeAndDeploy(env, id);
        await record(env, id, 'cursor-api-retried-verified', 'verified-fixed');
      },
      {
        cursor: {
          autoFinishAfterMs: 100,
          onLaunch: (agent) => {
            if (++launches === 1) throw new Error('could not apply the diff');
            return cursorOpensPullRequest(
              e!,
              agent.target.branchName,
              `Applies the fix.\n\n${markerIn(agent.prompt.text)}`,
            );
          },
        },
      },
    );
  }, 180_000);

  it(
    'cursor-api mode: the agent errors, the operator gives up, the run fails',
    () =>
      scenario(
        { FIX_APPLY_MODE: 'cursor-api' },
        async (e) => {
          const id = await startRun(e, 'evt-rec-gave-up');
          await e.click('approve', id);
          await e.waitForStage(id, 'awaiting-retry', 60_000);
          expect((await runCli(['reject', id, '--reason', 'not worth it', '--as', 'oncall'], cliEnv(e))).code).toBe(0);
          await record(e, id, 'cursor-api-gave-up', 'failed');
        },
        {
          cursor: {
            autoFinishAfterMs: 100,
            onLaunch: () => {
              throw new Error('could not apply the diff');
            },
          },
        },
      ),
    180_000,
  );

  it(
    'ROLLBACK_POLICY=auto: the fix causes a new error; the revert is merged, deployed and verified by the pipeline',
    () =>
      scenario(
        { VERIFY_WINDOW: '5s', ROLLBACK_POLICY: 'auto', ROLLBACK_MERGE: 'on', ROLLBACK_DEPLOY: 'on' },
        async (e) => {
          const id = await startRun(e, 'evt-rec-rollback');
          await e.click('approve', id);
          await mergeAndDeploy(e, id);
          await e.waitForStage(id, 'verifying', 60_000);
          e.datadog.addLog(
            errorLogEvent({
              service: SERVICE,
              kind: 'RangeError',
              message: 'Invalid shipping label',
              stack: `RangeError: Invalid shipping label\n    at shippingLabel (/app/${BUGGY_FILE}:15:11)`,
            }),
          );
          const byPipeline = () => e.github.deployments().find((d) => d.creator.login === 'bugfix-bot');
          await expect.poll(byPipeline, { timeout: 60_000 }).toBeDefined();
          e.github.setDeploymentState(byPipeline()!.id, 'success');
          await record(e, id, 'rollback-auto-reverted', 'reverted');
        },
      ),
    180_000,
  );
});
