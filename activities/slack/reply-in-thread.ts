import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { slackCall, toSlackFailure } from './client';
import { findByMetadata, REPLY_EVENT_TYPE } from './metadata';

/**
 * Replies in the suggestion's thread. `text` is sent as mrkdwn: escape untrusted parts with
 * escapeText. With a `dedupeKey` the reply is posted at most once: a retried attempt finds the
 * earlier reply by its metadata in the thread and returns it.
 */
export async function replyInThread(
  client: WebClient,
  ref: SlackMessageRef,
  text: string,
  dedupeKey?: string,
): Promise<SlackMessageRef> {
  if (dedupeKey) {
    const thread = await slackCall('conversations.replies', () =>
      client.conversations.replies({ channel: ref.channel, ts: ref.ts, include_all_metadata: true, limit: 200 }),
    );
    const earlier = findByMetadata(thread.messages, REPLY_EVENT_TYPE, { dedupe_key: dedupeKey });
    if (earlier?.ts) return { channel: ref.channel, ts: earlier.ts };
  }
  const posted = await slackCall('chat.postMessage', () =>
    client.chat.postMessage({
      channel: ref.channel,
      thread_ts: ref.ts,
      text,
      unfurl_links: false,
      unfurl_media: false,
      ...(dedupeKey ? { metadata: { event_type: REPLY_EVENT_TYPE, event_payload: { dedupe_key: dedupeKey } } } : {}),
    }),
  );
  if (!posted.ts) throw toSlackFailure(new Error('answered ok without a ts'), 'chat.postMessage');
  return { channel: posted.channel ?? ref.channel, ts: posted.ts };
}
