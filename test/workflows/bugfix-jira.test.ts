import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTerminatingRuns, startE2E, type E2E } from '../support/e2e';
import { mergeDeployVerify } from '../support/release';
import { deliverJiraWebhook, startJiraFake, type JiraFake } from '../fakes/jira-fake';
import { sampleStackTrace } from '../fakes/scripted-fix';
import { adfToText } from '../../workflows/domain/adf';
import type { RunStatus } from '../../workflows/domain/run-status';

/**
 * A Jira issue reported by a person starts the pipeline and follows it to the end: the real
 * route and workflow, the real Claude Code CLI against the scripted model, jira.js against the
 * Jira Cloud fake (comments in ADF, transitions by name).
 */
const SECRET = 'jira-webhook-secret-for-tests';
let e: E2E;
let jira: JiraFake;

beforeAll(async () => {
  jira = await startJiraFake();
  e = await startE2E({
    env: {
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL: jira.email,
      JIRA_API_TOKEN: jira.apiToken,
      JIRA_WEBHOOK_SECRET: SECRET,
      JIRA_TRANSITIONS: 'suggested=In Progress,pr-opened=In Review,verified=Done',
    },
  });
}, 120_000);
afterAll(async () => {
  await closeTerminatingRuns(e);
  await jira?.close();
});

describe('Jira in and out (real path)', () => {
  it('an issue with the trigger label starts a run that comments and transitions it through to verified', async () => {
    const reported = jira.addIssue({
      summary: 'Checkout crashes for guests',
      labels: ['bugfix', 'service:shop-api'],
      description: {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'Guests see a 500 at checkout. From the logs:' }] },
          { type: 'codeBlock', attrs: {}, content: [{ type: 'text', text: sampleStackTrace }] },
        ],
      },
    });
    const res = await deliverJiraWebhook(
      `${e.pipeline.apiUrl}/webhooks/jira`,
      jira.webhookPayload(reported.key),
      SECRET,
    );
    expect(res.status).toBe(202);
    const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
    const id = workflows[0]!.workflowId;

    const asked = await e.waitFor(id, (s) => s.slack !== undefined, 90_000);
    expect(asked.jira).toMatchObject({ key: reported.key });
    expect(asked.identity).toMatchObject({ service: 'shop-api', errorType: 'TypeError' });
    await expect.poll(() => jira.issue(reported.key)!.status, { timeout: 15_000 }).toBe('In Progress');

    expect((await e.click('approve', id)).status).toBe(200);
    await e.waitFor(id, (s) => s.pullRequest !== undefined, 60_000);
    const done: RunStatus = await mergeDeployVerify(e, id);
    expect(done.stage).toBe('verified-fixed');

    const issue = jira.issue(reported.key)!;
    expect(issue.status).toBe('Done');
    const comments = issue.comments.map((c) => adfToText(c.body));
    expect(comments).toHaveLength(5);
    expect(comments[0]).toMatch(/^A fix is suggested and waits for approval in Slack\.[^]*src\/cart\.ts \(\+1 -1\)/);
    expect(comments[1]).toContain(`Pull request opened: ${done.pullRequest!.url}`);
    expect(comments[2]).toMatch(/^Merged by carol/);
    expect(comments[3]).toMatch(/^Deployed to production/);
    expect(comments[4]).toBe('Verified: the error has not come back since the deployment.');
  }, 300_000);

  it('forged and unsigned Jira webhooks are refused and start nothing', async () => {
    const reported = jira.addIssue({ summary: 'Forged', labels: ['bugfix'] });
    const payload = jira.webhookPayload(reported.key);
    const forged = await deliverJiraWebhook(`${e.pipeline.apiUrl}/webhooks/jira`, payload, 'not-the-secret');
    const unsigned = await deliverJiraWebhook(`${e.pipeline.apiUrl}/webhooks/jira`, payload, undefined);
    expect([forged.status, unsigned.status]).toEqual([401, 401]);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
  });
});
