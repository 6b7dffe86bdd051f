import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPipeline, type Pipeline } from './pipeline';
import { startDatadogFake, type DatadogFake, type DatadogFakeOptions } from '../fakes/datadog-fake';
import { SlackFake } from '../fakes/slack-fake';
import { startGitServer, type GitServer } from '../fakes/git-server';
import { startGitHubFake } from '../fakes/github-fake';
import { CursorFake, type CursorFakeOptions } from '../fakes/cursor-fake';
import { envForFakes } from '../fakes/fakes-env';
import { startAnthropicFake, type AnthropicFake, type FakeTurn } from '../fakes/anthropic-fake';
import { scriptedFixTurns, sampleErrorMessage } from '../fakes/scripted-fix';
import { triageTurns } from '../fakes/scripted-triage';
import { errorLogEvent, logsSample } from '../fakes/datadog-shapes';
import type { AppFixture } from '../fakes/language-fixes';
import { signedBlockActions, signedInteraction, viewSubmissionPayload } from './slack-sign';
import type { RunStatus } from '../../workflows/domain/run-status';
import type { Stage } from '../../workflows/domain/types';
import { freePort, readTree } from './local';

export type GitHubFake = Awaited<ReturnType<typeof startGitHubFake>>;

export const WEBHOOK_TOKEN = 'dd-webhook-token-for-tests';
export const SIGNING_SECRET = 'slack-signing-secret-for-tests';
export const SLACK_CHANNEL = 'C0BUGS0001';
export const SERVICE = 'shop-api';
const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));

export const GITHUB_WEBHOOK_SECRET = 'github-webhook-secret-for-tests';
export const CURSOR_WEBHOOK_SECRET = 'cursor-webhook-secret-for-tests-0123456789abcdef';

export interface E2E {
  pipeline: Pipeline;
  github: GitHubFake;
  cursor: CursorFake;
  datadog: DatadogFake;
  slack: SlackFake;
  git: GitServer;
  anthropic: AnthropicFake;
  sendAlert(payload: object, token?: string): Promise<Response>;
  click(
    action: 'approve' | 'reject' | 'not_code',
    workflowId: string,
    user?: { id: string; name: string },
    timestamp?: number,
  ): Promise<Response>;
  submitRejectReason(workflowId: string, reason: string, user?: { id: string; name: string }): Promise<Response>;
  status(workflowId: string): Promise<RunStatus>;
  waitFor(workflowId: string, predicate: (s: RunStatus) => boolean, timeoutMs?: number): Promise<RunStatus>;
  waitForStage(workflowId: string, stage: Stage, timeoutMs?: number): Promise<RunStatus>;
  close(): Promise<void>;
}

/** The whole first half of the pipeline with every outside system faked on loopback and Temporal real. */
export async function startE2E(
  opts: {
    env?: Record<string, string>;
    script?: FakeTurn[];
    /** The structured-output sessions' script (default: the triage's). */
    classifier?: FakeTurn[];
    turnDelayMs?: number;
    worker?: boolean;
    datadog?: DatadogFakeOptions;
    cursor?: CursorFakeOptions;
    /** The repository the pipeline fixes: a fixture tree and its name (default test/fixtures/sample-repo as shop-api). */
    repo?: { name: string; dir: string };
  } = {},
): Promise<E2E> {
  const repo = opts.repo ?? { name: 'shop-api', dir: path.join(fixtures, 'sample-repo') };
  const [datadog, slack, git, anthropic, cursor] = await Promise.all([
    startDatadogFake(opts.datadog),
    SlackFake.start(),
    startGitServer(),
    startAnthropicFake(opts.script ?? scriptedFixTurns(), {
      byConversation: true,
      classifier: opts.classifier ?? triageTurns(),
      ...(opts.turnDelayMs ? { turnDelayMs: opts.turnDelayMs } : {}),
    }),
    CursorFake.start(opts.cursor),
  ]);
  const repoUrl = await git.createBareRepo(repo.name, await readTree(repo.dir));
  const github = await startGitHubFake({ owner: 'acme', repo: repo.name, bareRepoPath: git.repoPath(repo.name) });
  // Cursor calls back on the public URL, so the API's port is chosen before it starts.
  const port = await freePort();
  const pipeline = await startPipeline(
    {
      ...envForFakes({
        datadog,
        slack,
        anthropic,
        github,
        repoUrl,
        repository: `acme/${repo.name}`,
        webhookToken: WEBHOOK_TOKEN,
        signingSecret: SIGNING_SECRET,
        channel: SLACK_CHANNEL,
      }),
      // Every harness its own workflow ids: files run in parallel against one Temporal namespace.
      WORKFLOW_ID_PREFIX: `t${randomBytes(4).toString('hex')}`,
      CLAUDE_TIMEOUT: '90s',
      APPROVAL_TIMEOUT: '10m',
      APPROVAL_REMINDER_INTERVAL: '5m',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      GITHUB_WEBHOOK_SECRET,
      CURSOR_API_URL: cursor.apiUrl,
      CURSOR_API_KEY: cursor.apiKey,
      CURSOR_WEBHOOK_SECRET,
      POLL_INTERVAL: '300ms',
      POLL_MAX_INTERVAL: '2s',
      OUTAGE_RETRY_MAX_INTERVAL: '1s',
      OUTAGE_TOLERANCE: '5m',
      // Tests that reject and try again do not wait out a cooldown, unless they set one.
      FIX_COOLDOWN: '1ms',
      PR_WAIT_TIMEOUT: '2m',
      DEPLOY_TIMEOUT: '2m',
      VERIFY_WINDOW: '2s',
      ...opts.env,
    },
    { worker: opts.worker ?? true },
  );

  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body, headers });
  const e2e: E2E = {
    pipeline,
    datadog,
    slack,
    git,
    anthropic,
    github,
    cursor,
    sendAlert: (payload, token = WEBHOOK_TOKEN) =>
      post(`${pipeline.apiUrl}/webhooks/datadog`, JSON.stringify(payload), {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      }),
    async click(action, workflowId, user = { id: 'U0APPROVER', name: 'alice' }, timestamp) {
      const { body, headers } = signedBlockActions(
        SIGNING_SECRET,
        {
          actionId: `bugfix_${action}`,
          value: workflowId,
          userId: user.id,
          userName: user.name,
          responseUrl: slack.responseUrl(`${workflowId}-${user.id}`),
        },
        timestamp,
      );
      return post(`${pipeline.apiUrl}/slack/interactions`, body, {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      });
    },
    async submitRejectReason(workflowId, reason, user = { id: 'U0APPROVER', name: 'alice' }) {
      const payload = viewSubmissionPayload({
        callbackId: 'bugfix_reject_reason',
        privateMetadata: JSON.stringify({ workflowId }),
        values: { reason: { reason_input: { type: 'plain_text_input', value: reason } } },
        userId: user.id,
        userName: user.name,
      });
      const { body, headers } = signedInteraction(SIGNING_SECRET, payload);
      return post(`${pipeline.apiUrl}/slack/interactions`, body, {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      });
    },
    status: (workflowId) => pipeline.client.workflow.getHandle(workflowId).query<RunStatus>('status'),
    async waitFor(workflowId, predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: RunStatus | undefined;
      for (;;) {
        last = await e2e.status(workflowId).catch(() => last);
        if (last && predicate(last)) return last;
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting on ${workflowId}; last stage ${last?.stage ?? 'none'} (${last?.failure ?? ''})`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    waitForStage: (workflowId, stage, timeoutMs) => e2e.waitFor(workflowId, (s) => s.stage === stage, timeoutMs),
    async close() {
      await pipeline.close();
      await Promise.all([datadog.close(), slack.close(), github.close(), cursor.close(), anthropic.close()]);
      await git.close();
    },
  };
  return e2e;
}

/**
 * A Datadog webhook as the project's template (infra/datadog/webhook-payload.json) renders it for a
 * log monitor: its sample rows carry the log's message field (by default one line, no stack, as
 * Datadog sends it); pass a multi-line `message` to model a custom payload that carries the stack.
 */
export function alertPayload(o: {
  id: string;
  message?: string;
  service?: string;
  transition?: string;
  date?: number;
}): object {
  const message = o.message ?? sampleErrorMessage;
  return {
    id: o.id,
    event_type: 'log_alert',
    title: `[${o.transition ?? 'Triggered'}] Errors in ${o.service ?? SERVICE}`,
    body: '%%%\nMore than 5 errors in the last 5 minutes\n%%%',
    date: String(o.date ?? Date.now()),
    last_updated: String(o.date ?? Date.now()),
    org: { id: '1234', name: 'Acme' },
    alert: {
      id: '98765',
      transition: o.transition ?? 'Triggered',
      query: `logs("service:${o.service ?? SERVICE} status:error").index("*").rollup("count").last("5m") > 5`,
      scope: `service:${o.service ?? SERVICE}`,
      cycle_key: '5551234',
      status: 'Alert',
    },
    tags: `env:prod,service:${o.service ?? SERVICE},team:checkout`,
    link: 'https://app.datadoghq.com/monitors/98765',
    logs_sample: logsSample([{ service: o.service ?? SERVICE, message }]),
  };
}

/**
 * One of test/fixtures/apps' production errors, as Datadog shows it: a log event with the error's
 * kind, message and stack, and the monitor's webhook naming the app's service. Returns the run.
 */
export async function sendAppAlert(e: E2E, app: AppFixture, deliveryId: string): Promise<string> {
  e.datadog.addLog(errorLogEvent({ service: app.service, ...app.error, timestamp: Date.now() - 30_000 }));
  const res = await e.sendAlert(
    alertPayload({ id: deliveryId, service: app.service, message: `${app.error.kind}: ${app.error.message}` }),
  );
  if (res.status !== 202) throw new Error(`POST /webhooks/datadog answered ${res.status}: ${await res.text()}`);
  const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
  return workflows[0]!.workflowId;
}

/** Ends the harness's runs still open (tests that park runs on purpose), then the harness. */
export async function closeTerminatingRuns(e: E2E | undefined): Promise<void> {
  if (!e) return;
  const { client, config } = e.pipeline;
  for await (const w of client.workflow.list({
    query: `TaskQueue = "${config.temporal.taskQueue}" AND ExecutionStatus = "Running"`,
  })) {
    await client.workflow
      .getHandle(w.workflowId)
      .terminate('test over')
      .catch(() => undefined);
  }
  await e.close();
}
