import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackClient } from '../../../activities/slack/client';
import { postSuggestion } from '../../../activities/slack/post-suggestion';
import { updateSuggestion } from '../../../activities/slack/update-suggestion';
import { SlackFake } from '../../fakes/slack-fake';
import { sampleView } from './sample-view';
import { failureOf } from '../../support/failure-of';

const CHANNEL = 'C0BUGS0001';
let fake: SlackFake;
let client: WebClient;

beforeEach(async () => {
  fake = await SlackFake.start();
  client = createSlackClient({ botToken: fake.token, apiUrl: fake.apiUrl });
});
afterEach(() => fake.close());

const buttonsOf = (blocks: unknown[] | undefined) =>
  JSON.stringify(blocks ?? []).match(/"action_id":"bugfix_(approve|reject)"/g) ?? [];

describe('postSuggestion', () => {
  it('posts the message once, tagged with the workflow id, and returns its ref', async () => {
    const ref = await postSuggestion(client, { channel: CHANNEL, view: sampleView() });
    const [message, ...others] = fake.messages(CHANNEL);
    expect(others).toHaveLength(0);
    expect(ref).toEqual({
      channel: CHANNEL,
      ts: message?.ts,
      permalink: `https://acme.slack.com/archives/${CHANNEL}/p${message?.ts.replace('.', '')}`,
    });
    expect(message?.metadata).toEqual({
      event_type: 'bugfix_run',
      event_payload: { workflow_id: 'bugfix-checkout-3f9a1c2b' },
    });
    expect(message?.text).toContain('checkout');
    expect(buttonsOf(message?.blocks)).toHaveLength(2);
  });

  it('a second attempt updates the same message instead of posting a copy', async () => {
    const first = await postSuggestion(client, { channel: CHANNEL, view: sampleView({ occurrences: 1 }) });
    const again = await postSuggestion(client, { channel: CHANNEL, view: sampleView({ occurrences: 5 }) });
    expect(again.ts).toBe(first.ts);
    expect(fake.messages(CHANNEL)).toHaveLength(1);
    expect(fake.messages(CHANNEL)[0]?.edits).toBe(1);
    expect(JSON.stringify(fake.messages(CHANNEL)[0]?.blocks)).toContain('*Occurrences*\\n5');
    expect(fake.callCount('chat.postMessage')).toBe(1);
  });

  it('different runs get different messages', async () => {
    await postSuggestion(client, { channel: CHANNEL, view: sampleView() });
    await postSuggestion(client, { channel: CHANNEL, view: sampleView({ workflowId: 'bugfix-other' }) });
    expect(fake.messages(CHANNEL).map((m) => m.metadata?.event_payload.workflow_id)).toEqual([
      'bugfix-checkout-3f9a1c2b',
      'bugfix-other',
    ]);
  });

  it('a rerun under the same workflow id (new run id) gets its own message; its retry does not', async () => {
    await postSuggestion(client, { channel: CHANNEL, view: sampleView({ runId: 'run-1' }) });
    await postSuggestion(client, { channel: CHANNEL, view: sampleView({ runId: 'run-2' }) });
    await postSuggestion(client, { channel: CHANNEL, view: sampleView({ runId: 'run-2' }) });
    expect(fake.messages(CHANNEL).map((m) => [m.metadata?.event_payload.run_id, m.edits])).toEqual([
      ['run-1', 0],
      ['run-2', 1],
    ]);
  });

  it('429: a retryable SlackRateLimited honouring Retry-After, and no duplicate once retried', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const failure = await failureOf(postSuggestion(client, { channel: CHANNEL, view: sampleView() }));
    expect(failure.type).toBe('SlackRateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe('7s');
    expect(fake.callCount('chat.postMessage')).toBe(0); // the client did not retry on its own
    expect(fake.messages(CHANNEL)).toHaveLength(0);

    await postSuggestion(client, { channel: CHANNEL, view: sampleView() });
    await postSuggestion(client, { channel: CHANNEL, view: sampleView() });
    expect(fake.messages(CHANNEL)).toHaveLength(1);
  });

  it('500 after Slack posted (answer lost): retryable, and the retry updates that message', async () => {
    fake.failNext('chat.postMessage', { status: 500, applied: true });
    const failure = await failureOf(postSuggestion(client, { channel: CHANNEL, view: sampleView() }));
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackUnavailable', false]);
    expect(fake.messages(CHANNEL)).toHaveLength(1);

    const ref = await postSuggestion(client, { channel: CHANNEL, view: sampleView() });
    expect(fake.messages(CHANNEL)).toHaveLength(1);
    expect(ref.ts).toBe(fake.messages(CHANNEL)[0]?.ts);
    expect(fake.messages(CHANNEL)[0]?.edits).toBe(1);
  });

  it('500 on the history lookup is retryable too', async () => {
    fake.failNext('conversations.history', { status: 500 });
    const failure = await failureOf(postSuggestion(client, { channel: CHANNEL, view: sampleView() }));
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackUnavailable', false]);
    expect(fake.messages(CHANNEL)).toHaveLength(0);
  });

  it('an invalid token is a non-retryable SlackConfigError', async () => {
    const wrong = createSlackClient({ botToken: 'xoxb-revoked', apiUrl: fake.apiUrl });
    const failure = await failureOf(postSuggestion(wrong, { channel: CHANNEL, view: sampleView() }));
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackConfigError', true]);
    expect(failure.message).toContain('invalid_auth');
    expect(fake.messages()).toHaveLength(0);
  });

  it('a bot outside the channel is a non-retryable SlackConfigError', async () => {
    const other = await SlackFake.start({ channels: [{ id: 'C0PRIVATE1', name: 'secret', isMember: false }] });
    try {
      const c = createSlackClient({ botToken: other.token, apiUrl: other.apiUrl });
      const failure = await failureOf(postSuggestion(c, { channel: 'C0PRIVATE1', view: sampleView() }));
      expect([failure.type, failure.nonRetryable]).toEqual(['SlackConfigError', true]);
      expect(failure.message).toContain('not_in_channel');
    } finally {
      await other.close();
    }
  });

  it('Slack unreachable: retryable SlackUnavailable', async () => {
    const gone = await SlackFake.start();
    const apiUrl = gone.apiUrl;
    await gone.close();
    const c = createSlackClient({ botToken: 'xoxb-x', apiUrl });
    const failure = await failureOf(postSuggestion(c, { channel: CHANNEL, view: sampleView() }));
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackUnavailable', false]);
  });

  it('a maximal view passes the Block Kit limits Slack enforces', async () => {
    const huge = '<!channel> '.repeat(2000);
    const view = sampleView({
      message: huge,
      notes: Array.from({ length: 20 }, () => huge),
      sampleUrls: Array.from({ length: 9 }, (_, i) => `https://x.example/${i}`),
    });
    view.fix = {
      ...view.fix!,
      explanation: huge,
      diff: Array.from({ length: 3000 }, (_, i) => `+ line ${i} ${huge.slice(0, 200)}`).join('\n'),
    };
    await postSuggestion(client, { channel: CHANNEL, view });
    expect(fake.messages(CHANNEL)).toHaveLength(1);
  });
});

describe('updateSuggestion', () => {
  it('replaces the buttons with the decision', async () => {
    const ref = await postSuggestion(client, { channel: CHANNEL, view: sampleView() });
    await updateSuggestion(
      client,
      ref,
      sampleView({ state: { kind: 'approved', by: 'Ada', at: '2024-04-05T12:00:00Z' } }),
    );
    const [message] = fake.messages(CHANNEL);
    expect(buttonsOf(message?.blocks)).toHaveLength(0);
    expect(JSON.stringify(message?.blocks)).toContain('Approved by *Ada*');
    expect(message?.text).toContain('approved');
    expect(message?.metadata?.event_payload.workflow_id).toBe('bugfix-checkout-3f9a1c2b');
  });

  it('a deleted message is a non-retryable failure', async () => {
    const failure = await failureOf(updateSuggestion(client, { channel: CHANNEL, ts: '1.000001' }, sampleView()));
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackRequestRejected', true]);
  });
});
