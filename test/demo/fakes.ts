/**
 * The outside world of the demo, all on 127.0.0.1: the same fakes the tests use (real wire
 * formats, so the production clients talk to them unchanged), seeded with one production bug.
 */
import path from 'node:path';
import { startDatadogFake, type DatadogFake } from '../fakes/datadog-fake';
import { SlackFake } from '../fakes/slack-fake';
import { startGitServer, type GitServer } from '../fakes/git-server';
import { startAnthropicFake, type AnthropicFake } from '../fakes/anthropic-fake';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake';
import { sampleError, scriptedFixTurns, unrelatedError } from '../fakes/scripted-fix';
import { errorLogEvent, logsSample } from '../fakes/datadog-shapes';
import { repoRoot } from '../../infra/platform/config/read-config';
import { envForFakes } from '../fakes/fakes-env';
import { readTree } from '../support/local';

export const SERVICE = 'shop-api';
export const SLACK_CHANNEL = 'C0BUGS0001';
export const WEBHOOK_TOKEN = 'demo-datadog-webhook-token';
export const SIGNING_SECRET = 'demo-slack-signing-secret';
export const APPROVER = { id: 'U0DEMOAPPROVER', name: 'demo-approver' };

export interface DemoFakes {
  datadog: DatadogFake;
  slack: SlackFake;
  git: GitServer;
  anthropic: AnthropicFake;
  /** Pull requests, reviews, merges (real merge commits in the git server's repository) and deployments. */
  github: GitHubFake;
  repoUrl: string;
  /** Environment variables that point the service at the fakes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startFakes(): Promise<DemoFakes> {
  const [datadog, slack, git, anthropic] = await Promise.all([
    startDatadogFake(),
    SlackFake.start({ channels: [{ id: SLACK_CHANNEL, name: 'bugs' }] }),
    startGitServer(),
    // A short pause per turn so the narration shows the model working, as a real one would.
    startAnthropicFake(scriptedFixTurns(), { byConversation: true, turnDelayMs: 300 }),
  ]);
  let github: GitHubFake | undefined;
  const close = async () => {
    await github?.close();
    // The git server last: the GitHub fake merges in its repository.
    await Promise.all([datadog.close(), slack.close(), anthropic.close()]);
    await git.close();
  };
  try {
    const repoUrl = await git.createBareRepo(SERVICE, await readTree(path.join(repoRoot, 'test/fixtures/sample-repo')));
    github = await startGitHubFake({ owner: 'acme', repo: SERVICE, bareRepoPath: git.repoPath(SERVICE) });
    seedLogs(datadog);
    const env = {
      ...envForFakes({
        datadog,
        slack,
        anthropic,
        github,
        repoUrl,
        repository: `acme/${SERVICE}`,
        webhookToken: WEBHOOK_TOKEN,
        signingSecret: SIGNING_SECRET,
        channel: SLACK_CHANNEL,
      }),
      APPROVER_SLACK_USER_IDS: APPROVER.id,
    };
    return { datadog, slack, git, anthropic, github, repoUrl, env, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Production logs around the alert: two sightings of the bug and one unrelated error the run must leave out. */
function seedLogs(datadog: DatadogFake): void {
  const now = Date.now();
  // Datadog's shapes: the log's message field is one line; the exception lives in error.kind/message/stack.
  const sighting = (secondsAgo: number, user: string, url: string, trace: string, host: string) =>
    datadog.addLog(
      errorLogEvent({
        service: SERVICE,
        ...sampleError,
        timestamp: now - secondsAgo * 1000,
        host,
        url,
        userId: user,
        traceId: trace,
        tags: ['env:prod', 'version:1.4.2', 'team:checkout'],
      }),
    );
  sighting(
    95,
    'guest-5521',
    'https://shop.example.com/checkout?cart=8812',
    '4920418392816470123',
    'shop-api-7d9f8-x2k4p',
  );
  sighting(
    40,
    'guest-7310',
    'https://shop.example.com/checkout?cart=9034',
    '1184730265512093847',
    'shop-api-7d9f8-q8m2z',
  );
  datadog.addLog(
    errorLogEvent({
      service: SERVICE,
      ...unrelatedError,
      timestamp: now - 70_000,
      host: 'shop-api-7d9f8-x2k4p',
      tags: ['env:prod', 'version:1.4.2'],
    }),
  );
}

/** A Datadog webhook as the project's template renders it for a log monitor that fired. */
export function alertPayload(id: string): object {
  const now = Date.now();
  return {
    id,
    event_type: 'log_alert',
    title: `[Triggered] Errors in ${SERVICE}`,
    body: '%%%\nMore than 5 errors in the last 5 minutes\n%%%',
    date: String(now),
    last_updated: String(now),
    org: { id: '1234', name: 'Acme' },
    alert: {
      id: '98765',
      transition: 'Triggered',
      query: `logs("service:${SERVICE} status:error").index("*").rollup("count").last("5m") > 5`,
      scope: `service:${SERVICE}`,
      cycle_key: '5551234',
      status: 'Alert',
    },
    tags: `env:prod,service:${SERVICE},team:checkout`,
    link: 'https://app.datadoghq.com/monitors/98765',
    // A log monitor's sample row: the log's message field, no stack (the run gets that from the Logs API).
    logs_sample: logsSample([{ service: SERVICE, message: sampleError.message, host: 'shop-api-7d9f8-q8m2z' }]),
  };
}
