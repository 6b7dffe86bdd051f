/**
 * Proof before approval, in three languages and one bug no offline test reproduces: for each
 * fixture app (test/fixtures/apps), its own repository, scripted Claude session, worker and
 * API, and a real run up to the Slack message, which shows the regression test's evidence.
 * The runs stop there (terminated once shown): the main run above went the whole way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAnthropicFake } from '../fakes/anthropic-fake';
import { errorLogEvent, logsSample } from '../fakes/datadog-shapes';
import { APP_FIXTURES, type AppFixture } from '../fakes/language-fixes';
import { readTree } from '../support/local';
import { evidenceHeadline } from '../../workflows/domain/test-evidence';
import type { Config } from '../../infra/platform/config/load-config';
import { startApi, startWorker } from './services';
import { SLACK_CHANNEL, WEBHOOK_TOKEN } from './fakes';
import { waitForStatus, type DemoStage, type PipelineContext } from './context';
import { renderBlocks } from './render-slack';

/** Go builds its standard library once per run (a cold, per-run cache): allow for it. */
const SLACK_WAIT_MS = 240_000;

function alertFor(app: AppFixture): object {
  const now = Date.now();
  return {
    id: `demo-proof-${app.service}-${now}`,
    event_type: 'log_alert',
    title: `[Triggered] Errors in ${app.service}`,
    date: String(now),
    last_updated: String(now),
    alert: { id: '98766', transition: 'Triggered', scope: `service:${app.service}`, status: 'Alert' },
    tags: `env:prod,service:${app.service}`,
    logs_sample: logsSample([{ service: app.service, message: `${app.error.kind}: ${app.error.message}` }]),
  };
}

function proofStage(app: AppFixture): DemoStage<PipelineContext> {
  return {
    name: `Proof: ${app.service}`,
    async run(ctx) {
      const workRoot = await mkdtemp(path.join(os.tmpdir(), `demo-${app.service}-`));
      const anthropic = await startAnthropicFake(app.regressionTest ? app.turnsWithBash() : app.turns(), {
        byConversation: true,
      });
      const repoUrl = await ctx.fakes.git.createBareRepo(app.service, await readTree(app.dir));
      const base = ctx.config;
      const config: Config = {
        ...base,
        temporal: { ...base.temporal, taskQueue: `${base.temporal.taskQueue}-${app.service}` },
        api: { ...base.api, port: 0 },
        git: { ...base.git, repoUrl, cacheDir: path.join(workRoot, 'repos') },
        claude: { ...base.claude, anthropicBaseUrl: anthropic.url, sandbox: true },
        tests: { ...base.tests, policy: 'prefer' },
      };
      const worker = await startWorker(config, ctx.client, path.join(workRoot, 'work'));
      const api = await startApi(config);
      try {
        ctx.fakes.datadog.addLog(errorLogEvent({ service: app.service, ...app.error, timestamp: Date.now() - 20_000 }));
        const res = await fetch(`${api.url}/webhooks/datadog`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
          body: JSON.stringify(alertFor(app)),
        });
        if (res.status !== 202) throw new Error(`POST /webhooks/datadog answered HTTP ${res.status}`);
        const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
        const handle = ctx.client.workflow.getHandle(workflows[0]!.workflowId);
        const status = await waitForStatus(
          { ...ctx, workflowId: handle.workflowId },
          `the Slack message of ${app.service}`,
          (s) => s.slack !== undefined,
          SLACK_WAIT_MS,
        );
        await handle.terminate('demo: the proof was shown').catch(() => undefined);
        const message = ctx.fakes.slack
          .messages(SLACK_CHANNEL)
          .find((m) => m.ts === status.slack!.ts && JSON.stringify(m.blocks).includes(app.service));
        const tests = status.fix?.tests;
        return {
          summary: tests ? evidenceHeadline(tests) : 'no test evidence',
          details: [
            `workflow ${handle.workflowId}`,
            ...renderBlocks(
              message?.blocks?.filter((b) => /Regression test|Sandboxed test runs/.test(JSON.stringify(b))),
              undefined,
            ).map((l) => `  ${l}`),
          ],
        };
      } finally {
        await api.close();
        await worker.stop();
        await anthropic.close();
        await rm(workRoot, { recursive: true, force: true });
      }
    },
  };
}

export const proofStages: DemoStage<PipelineContext>[] = APP_FIXTURES.map(proofStage);
