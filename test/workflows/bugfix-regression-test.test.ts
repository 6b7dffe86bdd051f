import { afterEach, describe, expect, it } from 'vitest';
import { closeTerminatingRuns, sendAppAlert, SLACK_CHANNEL, startE2E, type E2E } from '../support/e2e';
import { requestText, type RecordedRequest } from '../fakes/anthropic-fake';
import {
  breakThenFixTurns,
  goInventory,
  nodeOrders,
  nodePaymentsTimeout,
  pythonBilling,
} from '../fakes/language-fixes';
import type { RunStatus } from '../../workflows/domain/run-status';
import { cliEnv, runCli } from '../infra/cli/run-cli';

/**
 * Proof before approval, through the real path: the real Claude Code CLI (scripted model) writes a
 * regression test and the fix, runs the tests with Bash inside its sandbox, then the pipeline runs
 * the application's tests itself in the sandbox on the deployed commit, with the test alone and
 * with the fix; Slack and the pull request show the evidence.
 */
let e: E2E | undefined;
afterEach(async () => {
  await closeTerminatingRuns(e);
  e = undefined;
});

async function pullRequest(env: E2E, repo: string, n: number) {
  const get = async (path: string) => {
    const res = await fetch(`${env.github.apiUrl}/repos/acme/${repo}/pulls/${n}${path}`, {
      headers: { authorization: `token ${env.github.token}` },
    });
    expect(res.status).toBe(200);
    return res.json() as Promise<unknown>;
  };
  return {
    pr: (await get('')) as { body: string },
    files: (await get('/files')) as { filename: string; patch?: string }[],
  };
}

/** The text of Bash tool results the CLI sent back to the model: what the sandboxed commands printed. */
function bashResults(env: E2E): string {
  return env.anthropic
    .turnRequests()
    .map((r: RecordedRequest) => requestText(r.body))
    .join('\n');
}

const GO_COLD_CACHE_MS = 240_000;

describe.each([nodeOrders, pythonBilling, goInventory])('a $language bug ($service)', (app) => {
  it(
    'shows a regression test failing on the deployed commit and passing with the fix, in Slack and in the PR',
    async () => {
      e = await startE2E({
        repo: { name: app.service, dir: app.dir },
        script: app.turnsWithBash(),
        env: { VERIFY_TEST_POLICY: 'prefer', CLAUDE_SANDBOX: 'on', CLAUDE_TIMEOUT: '4m' },
      });
      const workflowId = await sendAppAlert(e, app, `evt-${app.service}`);
      const s = await e.waitFor(workflowId, (st) => st.slack !== undefined || st.stage === 'failed', GO_COLD_CACHE_MS);
      const tests = s.fix!.tests!;
      expect(s.stage).toBe('awaiting-approval');
      expect(tests, JSON.stringify(tests, null, 1)).toMatchObject({
        verdict: 'reproduced',
        regressionTests: [app.regressionTest!.name],
      });
      expect(tests.testFiles).toEqual([app.regressionTest!.file]);
      expect(tests.commit).toBe(s.fix!.baseCommit);
      expect(tests.reproduction?.exitCode).not.toBe(0);
      expect(tests.withFix?.exitCode).toBe(0);
      expect(tests.baseline?.exitCode).toBe(0);
      expect(tests.newFailures).toEqual([]);
      expect(tests.productionErrorSeen).toBeTruthy();
      expect(s.timeline.map((t) => t.stage)).toEqual([
        'collecting',
        'cloning',
        'proposing',
        'testing',
        'awaiting-approval',
      ]);

      // Claude ran the tests itself, in its sandbox: the model saw the failure, then the pass.
      const seenByModel = bashResults(e);
      expect(seenByModel).toContain(tests.productionErrorSeen!);

      // Slack: the evidence at a glance, above the explanation.
      const blocks = JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]!.blocks);
      expect(blocks).toContain('Reproduced:');
      expect(blocks).toContain(app.regressionTest!.name);
      expect(blocks).toContain(s.fix!.baseCommit.slice(0, 7));
      expect(blocks).toMatch(/suite \d+\/\d+ → \d+\/\d+/);

      // On-call sees the same line in `bugfix status`.
      const cli = await runCli(['status', workflowId], cliEnv(e));
      expect(cli.stdout).toMatch(new RegExp(`Regression test: +Reproduced: \`${app.regressionTest!.name}\``));

      // The pull request carries the regression test with the fix, and the evidence in its body.
      expect((await e.click('approve', workflowId)).status).toBe(200);
      const opened = await e.waitFor(workflowId, (st) => st.pullRequest !== undefined, 60_000);
      const { pr, files } = await pullRequest(e, app.service, opened.pullRequest!.number);
      expect(files.map((f) => f.filename).sort()).toEqual([app.fixedFile, app.regressionTest!.file].sort());
      expect(pr.body).toContain('## Regression test (sandboxed)');
      expect(pr.body).toContain(`Reproduced: \`${app.regressionTest!.name}\``);
      expect(pr.body).toContain('| with the fix |');
    },
    GO_COLD_CACHE_MS + 120_000,
  );
});

describe('the tests send a fix back', () => {
  it('a fix that breaks another test gets a second attempt, told which test broke', async () => {
    e = await startE2E({
      repo: { name: nodeOrders.service, dir: nodeOrders.dir },
      script: breakThenFixTurns(nodeOrders),
      env: { VERIFY_TEST_POLICY: 'prefer', CLAUDE_SANDBOX: 'off', VERIFY_TEST_ATTEMPTS: '2' },
    });
    const workflowId = await sendAppAlert(e, nodeOrders, 'evt-retry');
    const s = await e.waitFor(workflowId, (st) => st.slack !== undefined || st.stage === 'failed', 120_000);
    expect(s.fix?.attempt).toBe(2);
    expect(s.fix?.tests?.verdict).toBe('reproduced');
    expect(s.notes.join('\n')).toMatch(/Attempt 1 was sent back by its tests: Warning: the fix breaks `[^`]*coupon/);
    expect(s.timeline.map((t) => t.stage)).toEqual([
      'collecting',
      'cloning',
      'proposing',
      'testing',
      'proposing',
      'testing',
      'awaiting-approval',
    ]);
    // The second session was told what broke, as data.
    const second = e.anthropic
      .turnRequests()
      .find((r) => requestText(r.body).includes('previous attempt was sent back'));
    expect(requestText(second!.body)).toMatch(/fail with that fix: .*coupon/);
  }, 180_000);
});

describe('a bug no offline test can reproduce', () => {
  const unreproducible = async (policy: string): Promise<RunStatus> => {
    e = await startE2E({
      repo: { name: nodePaymentsTimeout.service, dir: nodePaymentsTimeout.dir },
      script: nodePaymentsTimeout.turns(),
      env: { VERIFY_TEST_POLICY: policy, CLAUDE_SANDBOX: 'off', VERIFY_TEST_ATTEMPTS: '1' },
    });
    const workflowId = await sendAppAlert(e, nodePaymentsTimeout, `evt-unreproducible-${policy}`);
    return e.waitFor(workflowId, (st) => st.slack !== undefined || st.stage === 'failed', 120_000);
  };

  it('is offered under `prefer`, saying plainly that it was not reproduced', async () => {
    const s = await unreproducible('prefer');
    expect(s.stage).toBe('awaiting-approval');
    expect(s.fix?.tests).toMatchObject({
      verdict: 'not-reproduced',
      reason: 'the fix comes without a regression test',
    });
    const blocks = JSON.stringify(e!.slack.messages(SLACK_CHANNEL)[0]!.blocks);
    expect(blocks).toContain('Not reproduced: the fix comes without a regression test');
    expect(blocks).toContain('bugfix_approve');
  }, 150_000);

  it('is refused under `require`: no approval without a reproducing test', async () => {
    const s = await unreproducible('require');
    expect(s.stage).toBe('refused');
    expect(s.notes.join('\n')).toContain('VERIFY_TEST_POLICY=require');
    const blocks = JSON.stringify(e!.slack.messages(SLACK_CHANNEL)[0]!.blocks);
    expect(blocks).not.toContain('bugfix_approve');
  }, 150_000);
});
