/**
 * A fix that causes a new error, rolled back on its own: ROLLBACK_POLICY=auto with the pipeline
 * merging the revert and asking GitHub for a deployment of the commit before the fix. A service
 * of its own (its own repository and GitHub fake), so the main run's repository is left as it is.
 */
import path from 'node:path';
import { errorLogEvent, logsSample } from '../fakes/datadog-shapes';
import { BUGGY_FILE, sampleError } from '../fakes/scripted-fix';
import { startGitHubFake } from '../fakes/github-fake';
import { readTree } from '../support/local';
import { APPROVE_ACTION_ID } from '../../workflows/domain/slack-actions';
import { repoRoot } from '../../infra/platform/config/read-config';
import type { RunStatus } from '../../workflows/domain/run-status';
import { withServices } from './own-services';
import { APPROVER, WEBHOOK_TOKEN } from './fakes';
import { clickAsApprover } from './slack-click';
import { waitForStatus, waitUntil, type DemoStage, type PipelineContext } from './context';

const ROLLBACK_SERVICE = 'shop-checkout';

export const rollbackStage: DemoStage<PipelineContext> = {
  name: 'Rolled back: a fix that broke something else',
  async run(ctx) {
    const tree = await readTree(path.join(repoRoot, 'test/fixtures/sample-repo'));
    const repoUrl = await ctx.fakes.git.createBareRepo(ROLLBACK_SERVICE, tree);
    const github = await startGitHubFake({
      owner: 'acme',
      repo: ROLLBACK_SERVICE,
      bareRepoPath: ctx.fakes.git.repoPath(ROLLBACK_SERVICE),
      token: ctx.config.github.token!,
    });
    try {
      return await withServices(
        ctx,
        'rollback',
        (c) => ({
          ...c,
          git: { ...c.git, repoUrl },
          github: { ...c.github, apiUrl: github.apiUrl, repository: `acme/${ROLLBACK_SERVICE}` },
          tracking: { ...c.tracking, verifyWindowMs: 5_000 },
          afterDeploy: {
            ...c.afterDeploy,
            rollback: { ...c.afterDeploy.rollback, policy: 'auto', merge: true, deploy: true },
          },
        }),
        async (config, apiUrl) => {
          const workflowId = await alert(ctx, apiUrl);
          const run = { ...ctx, workflowId };
          const asked = await waitForStatus(run, 'the suggestion', (s) => s.slack !== undefined, 120_000);
          await clickAsApprover(ctx, apiUrl, {
            actionId: APPROVE_ACTION_ID,
            value: workflowId,
            messageTs: asked.slack!.ts,
            responseId: `${workflowId}-${APPROVER.id}`,
          });
          // People review and merge the fix; the deploy system ships it.
          const opened = await waitForStatus(run, 'the pull request', (s) => s.stage === 'awaiting-merge', 60_000);
          const merged = await github.mergePullRequest(opened.pullRequest!.number, { by: 'demo-reviewer' });
          github.createDeployment({
            sha: merged.merge_commit_sha!,
            environment: config.github.deployEnvironment,
            state: 'success',
          });
          await waitForStatus(run, 'the verification', (s) => s.stage === 'verifying', 60_000);
          // The fix stopped its error but threw a new one from the file it changed.
          for (const user of ['guest-1201', 'guest-1202', 'guest-1203'])
            ctx.fakes.datadog.addLog(
              errorLogEvent({
                service: ROLLBACK_SERVICE,
                kind: 'RangeError',
                message: 'Invalid shipping label: city is "unknown"',
                stack: `RangeError: Invalid shipping label: city is "unknown"\n    at shippingLabel (/app/${BUGGY_FILE}:15:11)`,
                userId: user,
              }),
            );
          // The deploy system carries out the rollback deployment the pipeline asks for.
          await waitUntil(
            'the rollback deployment',
            () => github.deployments().find((d) => d.creator.login === 'bugfix-bot' && d.state === 'none'),
            60_000,
          ).then((d) => github.setDeploymentState(d.id, 'success'));
          const done = (await ctx.client.workflow.getHandle(workflowId).result()) as RunStatus;
          const rb = done.rollback;
          const caused = done.causedErrors?.[0];
          return {
            summary: `${done.stage}: ${caused?.errorType ?? 'a new error'} ×${caused?.count ?? 0} after the deploy → revert #${done.revertPullRequest?.number} merged by ${rb?.merged?.by ?? '?'}, ${rb?.deployment?.sha.slice(0, 12) ?? '?'} deployed, new errors ${rb?.verified?.stopped ? 'stopped' : 'still seen'}`,
            details: [
              `workflow ${workflowId}`,
              `  evidence: first seen after the deploy; stack through ${caused?.touchedFiles.join(', ') ?? '?'} (${caused?.attributedBy.join(', ') ?? ''})`,
              `  timeline: ${done.timeline.map((t) => t.stage).join(' → ')}`,
            ],
          };
        },
      );
    } finally {
      await github.close();
    }
  },
};

async function alert(ctx: PipelineContext, apiUrl: string): Promise<string> {
  ctx.fakes.datadog.addLog(
    errorLogEvent({ service: ROLLBACK_SERVICE, ...sampleError, timestamp: Date.now() - 20_000 }),
  );
  const now = Date.now();
  const res = await fetch(`${apiUrl}/webhooks/datadog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
    body: JSON.stringify({
      id: `demo-rollback-${now}`,
      event_type: 'log_alert',
      title: `[Triggered] Errors in ${ROLLBACK_SERVICE}`,
      date: String(now),
      alert: { id: '98768', transition: 'Triggered', scope: `service:${ROLLBACK_SERVICE}`, status: 'Alert' },
      tags: `env:prod,service:${ROLLBACK_SERVICE}`,
      logs_sample: logsSample([{ service: ROLLBACK_SERVICE, message: sampleError.message }]),
    }),
  });
  if (res.status !== 202) throw new Error(`POST /webhooks/datadog answered HTTP ${res.status}`);
  const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
  return workflows[0]!.workflowId;
}
