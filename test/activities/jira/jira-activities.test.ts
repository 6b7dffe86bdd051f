import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraActivities, JiraFailureType } from '../../../activities/jira';
import { COMMENT_PROPERTY } from '../../../activities/jira/comment-on-issue';
import { dedupeLabel } from '../../../activities/jira/create-issue';
import { JIRA_CONFIG_FALLBACK, type JiraConfig } from '../../../infra/platform/config/jira-config';
import { startJiraFake, type JiraFake } from '../../fakes/jira-fake';
import { failureOf } from '../../support/failure-of';

describe('Jira activities, real jira.js against the fake', () => {
  let jira: JiraFake;
  let config: JiraConfig;
  beforeAll(async () => {
    jira = await startJiraFake();
    config = { ...JIRA_CONFIG_FALLBACK, baseUrl: jira.url, email: jira.email, apiToken: jira.apiToken };
  });
  afterAll(() => jira.close());
  const acts = () => createJiraActivities(config);

  it('comments in ADF once per dedupe key, however often it is retried', async () => {
    const issue = jira.addIssue({ summary: 'Checkout fails' });
    const text = 'Fix suggested:\n\n```diff\n-a\n+b\n```\n- tests pass';
    const first = await acts().commentOnIssue({ key: issue.key, text, dedupeKey: 'run-1:suggested' });
    const retry = await acts().commentOnIssue({ key: issue.key, text, dedupeKey: 'run-1:suggested' });
    const other = await acts().commentOnIssue({ key: issue.key, text: 'PR opened', dedupeKey: 'run-1:pr-opened' });
    expect(first.created).toBe(true);
    expect(retry).toEqual({ commentId: first.commentId, created: false });
    expect(other.created).toBe(true);
    expect(issue.comments).toHaveLength(2);
    expect(issue.comments[0]!.properties).toEqual([{ key: COMMENT_PROPERTY, value: { dedupeKey: 'run-1:suggested' } }]);
    expect(issue.comments[0]!.body).toMatchObject({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph' },
        { type: 'codeBlock', attrs: { language: 'diff' }, content: [{ type: 'text', text: '-a\n+b' }] },
        { type: 'bulletList' },
      ],
    });
  });

  it('finds the marked comment past the first page of comments', async () => {
    const issue = jira.addIssue({ summary: 'Many comments' });
    await acts().commentOnIssue({ key: issue.key, text: 'first', dedupeKey: 'old' });
    for (let i = 0; i < 120; i++)
      issue.comments.push({ id: `9${i}`, body: { type: 'doc', version: 1, content: [] }, created: '', properties: [] });
    const again = await acts().commentOnIssue({ key: issue.key, text: 'first', dedupeKey: 'old' });
    expect(again.created).toBe(false);
  });

  it('transitions by name, case-insensitively; already there is a no-op; an unknown name is a result', async () => {
    const issue = jira.addIssue({ summary: 'Moves' });
    const a = acts();
    expect(await a.transitionIssue({ key: issue.key, to: 'in progress' })).toEqual({
      outcome: 'transitioned',
      from: 'To Do',
      status: 'In Progress',
      transition: 'In Progress',
    });
    expect(issue.status).toBe('In Progress');
    expect(await a.transitionIssue({ key: issue.key, to: 'In Progress' })).toEqual({
      outcome: 'already-there',
      status: 'In Progress',
    });
    const unknown = await a.transitionIssue({ key: issue.key, to: 'Shipped' });
    expect(unknown).toMatchObject({ outcome: 'unavailable', status: 'In Progress' });
    expect(unknown.outcome === 'unavailable' && unknown.available).toContain('In Review');
    // A transition named differently from its status: "Reopen" leads to Reopened.
    await a.transitionIssue({ key: issue.key, to: 'Done' });
    expect(await a.transitionIssue({ key: issue.key, to: 'Reopen' })).toMatchObject({
      outcome: 'transitioned',
      status: 'Reopened',
    });
    // Once there, "Reopen" is not offered and its name is not the status's: Jira cannot tell us it was applied.
    expect(await a.transitionIssue({ key: issue.key, to: 'Reopen' })).toMatchObject({ outcome: 'unavailable' });
    expect(await a.transitionIssue({ key: issue.key, to: 'reopened' })).toEqual({
      outcome: 'already-there',
      status: 'Reopened',
    });
  });

  it('opens an issue once per dedupe key', async () => {
    const params = {
      project: 'OPS',
      issueType: 'Bug',
      summary: 'Escalated: payments timeout',
      text: 'Owners notified.\n\n```\nError: timeout\n```',
      labels: ['bugfix', 'service:payments'],
      dedupeKey: 'bugfix-payments-0123456789abcdef',
    };
    const first = await acts().createIssue(params);
    const again = await acts().createIssue(params);
    expect(first).toMatchObject({ key: 'OPS-1', created: true, url: `${jira.url}/browse/OPS-1` });
    expect(again).toEqual({ ...first, created: false });
    const stored = jira.issue('OPS-1')!;
    expect(stored.labels).toEqual(['bugfix', 'service:payments', dedupeLabel(params.dedupeKey)]);
    expect(stored.description).toMatchObject({ type: 'doc', content: [{ type: 'paragraph' }, { type: 'codeBlock' }] });
    expect(jira.requests.some((r) => r.path === '/rest/api/3/search/jql')).toBe(true);
  });

  it('a wrong token is JiraAuth, not retryable; a missing issue JiraNotFound; 429 and 503 retry', async () => {
    const wrong = createJiraActivities({ ...config, apiToken: 'wrong' });
    const auth = await failureOf(wrong.commentOnIssue({ key: 'SUP-1', text: 'x', dedupeKey: 'k' }));
    expect(auth.type).toBe(JiraFailureType.Auth);
    expect(auth.nonRetryable).toBe(true);
    expect(auth.message).toMatch(/401.*Client must be authenticated/);

    const missing = await failureOf(acts().transitionIssue({ key: 'NOPE-9', to: 'Done' }));
    expect(missing.type).toBe(JiraFailureType.NotFound);
    expect(missing.nonRetryable).toBe(true);

    jira.failNext(429, { 'retry-after': '7' });
    const limited = await failureOf(acts().transitionIssue({ key: 'SUP-1', to: 'Done' }));
    expect(limited.type).toBe(JiraFailureType.RateLimited);
    expect(limited.nonRetryable).toBe(false);
    expect(limited.nextRetryDelay).toBe(7000);

    jira.failNext(503);
    const down = await failureOf(acts().transitionIssue({ key: 'SUP-1', to: 'Done' }));
    expect(down.type).toBe(JiraFailureType.Unavailable);
    expect(down.nonRetryable).toBe(false);

    const unconfigured = await failureOf(
      createJiraActivities(JIRA_CONFIG_FALLBACK).transitionIssue({ key: 'SUP-1', to: 'Done' }),
    );
    expect(unconfigured.type).toBe(JiraFailureType.Config);
  });
});
