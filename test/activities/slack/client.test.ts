import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackActivities } from '../../../activities/slack/index';
import { createSlackClient, slackCall } from '../../../activities/slack/client';
import { SlackFake } from '../../fakes/slack-fake';
import { sampleView } from './sample-view';
import { failureOf } from '../../support/failure-of';

let fake: SlackFake;
beforeEach(async () => {
  fake = await SlackFake.start();
});
afterEach(() => fake.close());

describe('Slack client and error mapping', () => {
  it('sends the bot token and reaches the configured API URL', async () => {
    const client = createSlackClient({ botToken: fake.token, apiUrl: fake.apiUrl.replace(/\/$/, '') });
    const me = await slackCall('auth.test', () => client.auth.test());
    expect(me.user_id).toBe('U0BUGFIXBOT');
  });

  it('a request Slack refuses (invalid blocks) is non-retryable', async () => {
    const client = createSlackClient({ botToken: fake.token, apiUrl: fake.apiUrl });
    const failure = await failureOf(
      slackCall('chat.postMessage', () =>
        client.chat.postMessage({
          channel: 'C0BUGS0001',
          text: 'x',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
        }),
      ),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackRequestRejected', true]);
    expect(failure.message).toContain('invalid_blocks');
  });

  it('the fake records modals opened through the real client (used by the ingress tests)', async () => {
    const client = createSlackClient({ botToken: fake.token, apiUrl: fake.apiUrl });
    await client.views.open({
      trigger_id: '123.456.abc',
      view: { type: 'modal', callback_id: 'cb', title: { type: 'plain_text', text: 'T' }, blocks: [] },
    });
    expect(fake.openedViews()).toEqual([
      {
        trigger_id: '123.456.abc',
        view: { type: 'modal', callback_id: 'cb', title: { type: 'plain_text', text: 'T' }, blocks: [] },
      },
    ]);
    const failure = await failureOf(
      slackCall('views.open', () =>
        client.views.open({
          trigger_id: '',
          view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] },
        }),
      ),
    );
    expect([failure.type, failure.message]).toEqual(['SlackRequestRejected', 'views.open: invalid_trigger_id']);
  });

  it('a wrong API URL (HTTP 404) is a config error, not retried', async () => {
    const client = createSlackClient({ botToken: fake.token, apiUrl: `${fake.baseUrl}/not-the-api/` });
    const failure = await failureOf(slackCall('auth.test', () => client.auth.test()));
    expect([failure.type, failure.nonRetryable]).toEqual(['SlackConfigError', true]);
  });
});

describe('createSlackActivities', () => {
  it('resolves a #name channel to its ID and posts there', async () => {
    const activities = createSlackActivities({
      botToken: fake.token,
      apiUrl: fake.apiUrl,
      channel: '#bugs',
      approverUserIds: [],
      protectedPathApproverUserIds: [],
    });
    const ref = await activities.postSuggestion({ view: sampleView() });
    expect(ref.channel).toBe('C0BUGS0001');
    await activities.replyInThread({ ref, text: 'Reminder', dedupeKey: 'r1' });
    await activities.replyInThread({ ref, text: 'Reminder', dedupeKey: 'r1' });
    expect(fake.replies(ref.ts)).toHaveLength(1);
    expect(fake.callCount('conversations.list')).toBe(1); // resolved once, then cached
  });

  it('a diff the message cannot show whole goes to the thread as a file, once', async () => {
    const activities = createSlackActivities({
      botToken: fake.token,
      apiUrl: fake.apiUrl,
      channel: 'C0BUGS0001',
      approverUserIds: [],
      protectedPathApproverUserIds: [],
    });
    const short = await activities.postSuggestion({ view: sampleView() });
    expect(fake.replies(short.ts)).toEqual([]);

    const view = sampleView();
    const diff = Array.from({ length: 300 }, (_, i) => `+ const value${i} = compute(${i});`).join('\n') + '\n';
    view.workflowId = 'bugfix-long-diff';
    view.fix = { ...view.fix!, diff };
    const ref = await activities.postSuggestion({ view });
    await activities.postSuggestion({ view }); // a retried attempt
    const withFiles = fake.replies(ref.ts).filter((m) => m.files);
    expect(withFiles).toHaveLength(1);
    expect(withFiles[0]!.files).toEqual([
      expect.objectContaining({ name: `fix-${view.identity.fingerprint}.diff`, content: diff }),
    ]);
    expect(withFiles[0]!.text).toMatch(/full proposed diff/);
  });

  it('missing token or channel fails the activity as a non-retryable config error', async () => {
    const noToken = createSlackActivities({
      channel: 'C0BUGS0001',
      approverUserIds: [],
      protectedPathApproverUserIds: [],
    });
    expect((await failureOf(noToken.postSuggestion({ view: sampleView() }))).type).toBe('SlackConfigError');
    const noChannel = createSlackActivities({
      botToken: fake.token,
      apiUrl: fake.apiUrl,
      approverUserIds: [],
      protectedPathApproverUserIds: [],
    });
    const failure = await failureOf(noChannel.postSuggestion({ view: sampleView() }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'SlackConfigError',
      true,
      'SLACK_CHANNEL is not set',
    ]);
    const unknown = createSlackActivities({
      botToken: fake.token,
      apiUrl: fake.apiUrl,
      channel: '#nope',
      approverUserIds: [],
      protectedPathApproverUserIds: [],
    });
    expect((await failureOf(unknown.postSuggestion({ view: sampleView() }))).type).toBe('SlackConfigError');
  });
});
