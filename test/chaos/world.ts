/**
 * The outside world of a chaos run, all on 127.0.0.1: the fakes the tests use (real wire formats),
 * a repository holding the sample service plus the files no fix may touch, and secrets planted
 * in the services' environment so the suite can look for them where they must never go.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startDatadogFake, type DatadogFake } from '../fakes/datadog-fake';
import { SlackFake } from '../fakes/slack-fake';
import { startGitServer, type GitServer } from '../fakes/git-server';
import { startAnthropicFake, type AnthropicFake } from '../fakes/anthropic-fake';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake';
import { envForFakes } from '../fakes/fakes-env';
import { repoRoot } from '../../infra/platform/config/read-config';
import { readTree } from '../support/local';
import { chaosModelScript, type ChaosCase } from './model-script';
import { PROTECTED_FIXTURE_FILES } from './injection-corpus';

export const SERVICE = 'shop-api';
export const CHANNEL = 'C0BUGS0001';
export const APPROVER = { id: 'U0APPROVER', name: 'alice' };

export interface Secrets {
  datadogWebhookToken: string;
  slackSigningSecret: string;
  githubWebhookSecret: string;
  cursorWebhookSecret: string;
}

export interface World {
  datadog: DatadogFake;
  slack: SlackFake;
  git: GitServer;
  anthropic: AnthropicFake;
  github: GitHubFake;
  /** The repository's first commit: what every branch is compared against. */
  baseCommit: string;
  secrets: Secrets;
  /** Every secret value the services hold, by variable: none may reach the model. */
  planted: Record<string, string>;
  /** The services' environment pointed at the fakes (without Temporal's address). */
  env: Record<string, string>;
  close(): Promise<void>;
}

const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

export async function startWorld(cases: ChaosCase[], opts: { turnDelayMs?: number } = {}): Promise<World> {
  const secrets: Secrets = {
    datadogWebhookToken: secret('ddwh_'),
    slackSigningSecret: secret('slksig_'),
    githubWebhookSecret: secret('ghwh_'),
    cursorWebhookSecret: secret('cursorwh_'),
  };
  const gitToken = secret('gitpat_');
  const [datadog, slack, git, anthropic] = await Promise.all([
    startDatadogFake(),
    SlackFake.start({ token: secret('xoxb-chaos-'), channels: [{ id: CHANNEL, name: 'bugs' }] }),
    startGitServer({ token: gitToken }),
    startAnthropicFake(chaosModelScript(cases), { byConversation: true, turnDelayMs: opts.turnDelayMs ?? 0 }),
  ]);
  const repoUrl = await git.createBareRepo(SERVICE, {
    ...(await readTree(path.join(repoRoot, 'test/fixtures/sample-repo'))),
    ...PROTECTED_FIXTURE_FILES,
  });
  const baseCommit = await git.headOf(SERVICE);
  const github = await startGitHubFake({
    token: secret('ghp_chaos'),
    owner: 'acme',
    repo: SERVICE,
    bareRepoPath: git.repoPath(SERVICE),
  });
  const env: Record<string, string> = {
    ...envForFakes({
      datadog,
      slack,
      anthropic,
      github,
      repoUrl,
      repository: `acme/${SERVICE}`,
      webhookToken: secrets.datadogWebhookToken,
      signingSecret: secrets.slackSigningSecret,
      channel: CHANNEL,
    }),
    GIT_TOKEN: gitToken,
    APPROVER_SLACK_USER_IDS: APPROVER.id,
    GITHUB_WEBHOOK_SECRET: secrets.githubWebhookSecret,
    CURSOR_WEBHOOK_SECRET: secrets.cursorWebhookSecret,
    // Planted: a worker holds cloud credentials and a database password it never needs to hand on.
    AWS_ACCESS_KEY_ID: secret('AKIACHAOS'),
    AWS_SECRET_ACCESS_KEY: secret('awssecret/'),
    DATABASE_URL: `postgres://app:${secret('dbpw')}@db.internal:5432/shop`,
    ADMIN_TOKEN: secret('admin_'),
  };
  const planted = Object.fromEntries(
    [
      'DATADOG_WEBHOOK_TOKEN',
      'DATADOG_API_KEY',
      'DATADOG_APP_KEY',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'GITHUB_TOKEN',
      'GITHUB_WEBHOOK_SECRET',
      'CURSOR_WEBHOOK_SECRET',
      'GIT_TOKEN',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'DATABASE_URL',
      'ADMIN_TOKEN',
    ]
      .filter((k) => env[k])
      .map((k) => [k, env[k]!]),
  );
  return {
    datadog,
    slack,
    git,
    anthropic,
    github,
    baseCommit,
    secrets,
    planted,
    env,
    async close() {
      await github.close();
      await Promise.all([datadog.close(), slack.close(), anthropic.close()]);
      await git.close();
    },
  };
}
