import type { DatadogFake } from './datadog-fake';
import type { SlackFake } from './slack-fake';
import type { AnthropicFake } from './anthropic-fake';

/** The service's environment pointed at the local fakes: shared by the test harness and the offline demo. */
export function envForFakes(f: {
  datadog: DatadogFake;
  slack: SlackFake;
  anthropic: AnthropicFake;
  github: { apiUrl: string; token: string };
  repoUrl: string;
  repository: string;
  webhookToken: string;
  signingSecret: string;
  channel: string;
}): Record<string, string> {
  return {
    DATADOG_WEBHOOK_TOKEN: f.webhookToken,
    DATADOG_API_URL: f.datadog.url,
    DATADOG_API_KEY: f.datadog.apiKey,
    DATADOG_APP_KEY: f.datadog.appKey,
    SLACK_BOT_TOKEN: f.slack.token,
    SLACK_API_URL: f.slack.apiUrl,
    SLACK_CHANNEL: f.channel,
    SLACK_SIGNING_SECRET: f.signingSecret,
    GIT_REPO_URL: f.repoUrl,
    GIT_BRANCH: 'main',
    ANTHROPIC_BASE_URL: f.anthropic.url,
    ANTHROPIC_API_KEY: 'sk-ant-offline-fake',
    GITHUB_API_URL: f.github.apiUrl,
    // The fake stands in for github.com: repository links (and what Cursor is given) keep github.com's form.
    GITHUB_WEB_URL: 'https://github.com',
    GITHUB_TOKEN: f.github.token,
    GITHUB_REPOSITORY: f.repository,
    // The harness's clicks come from this user; nobody else may decide (approvers fail closed).
    APPROVER_SLACK_USER_IDS: 'U0APPROVER',
    // sample-repo's scripted fix comes without a test: the suites of the regression test turn it on.
    VERIFY_TEST_POLICY: 'off',
    // Likewise triage: its own tests turn it on (TRIAGE=on), the rest keep their timelines.
    TRIAGE: 'off',
  };
}
