import { ApplicationFailure } from '@temporalio/common';
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackClient } from '../../../activities/slack/client';
import { postSuggestion } from '../../../activities/slack/post-suggestion';
import { replyInThread } from '../../../activities/slack/reply-in-thread';
import type { SlackMessageRef } from '../../../workflows/domain/types';
import { SlackFake } from '../../fakes/slack-fake';
import { sampleView } from './sample-view';

let fake: SlackFake;
let client: WebClient;
let parent: SlackMessageRef;

beforeEach(async () => {
  fake = await SlackFake.start();
  client = createSlackClient({ botToken: fake.token, apiUrl: fake.apiUrl });
  parent = await postSuggestion(client, { channel: 'C0BUGS0001', view: sampleView() });
});
afterEach(() => fake.close());

describe('replyInThread', () => {
  it('posts in the thread of the suggestion', async () => {
    const reply = await replyInThread(client, parent, 'Reminder: still awaiting a decision');
    const replies = fake.replies(parent.ts);
    expect(replies.map((r) => [r.ts, r.text])).toEqual([[reply.ts, 'Reminder: still awaiting a decision']]);
    expect(fake.messages()).toHaveLength(1); // not a new top-level message
  });

  it('with a dedupeKey, a repeated call posts once and returns the first reply', async () => {
    const first = await replyInThread(client, parent, 'Reminder 1', 'reminder-1');
    const again = await replyInThread(client, parent, 'Reminder 1', 'reminder-1');
    expect(again.ts).toBe(first.ts);
    expect(fake.replies(parent.ts)).toHaveLength(1);
    await replyInThread(client, parent, 'Reminder 2', 'reminder-2');
    expect(fake.replies(parent.ts).map((r) => r.text)).toEqual(['Reminder 1', 'Reminder 2']);
  });

  it('without a dedupeKey every call posts', async () => {
    await replyInThread(client, parent, 'hello');
    await replyInThread(client, parent, 'hello');
    expect(fake.replies(parent.ts)).toHaveLength(2);
  });

  it('a retry after a lost answer does not post the reminder twice', async () => {
    fake.failNext('chat.postMessage', { status: 500, applied: true });
    const failure = await replyInThread(client, parent, 'Reminder', 'reminder-1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('SlackUnavailable');
    expect(fake.replies(parent.ts)).toHaveLength(1);
    await replyInThread(client, parent, 'Reminder', 'reminder-1');
    expect(fake.replies(parent.ts)).toHaveLength(1);
  });
});
