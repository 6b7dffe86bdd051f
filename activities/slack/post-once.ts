import type { KnownBlock, WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { slackCall, toSlackFailure } from './client';
import { findByMetadata } from './metadata';

/**
 * Posts a channel message once per key. Slack has no idempotency key, so the message carries the
 * key in its metadata: a retried attempt (say, after the response to the first post was lost)
 * finds that message in the channel's recent history and updates it instead of posting again.
 */
export async function postOnce(
  client: WebClient,
  input: {
    channel: string;
    text: string;
    blocks: KnownBlock[];
    eventType: string;
    key: Record<string, string>;
    /** How many recent channel messages to search for an earlier attempt's post. */
    lookback: number;
  },
): Promise<SlackMessageRef> {
  const { text, blocks } = input;
  const metadata = { event_type: input.eventType, event_payload: input.key };
  let channel = input.channel;
  const history = await slackCall('conversations.history', () =>
    client.conversations.history({ channel, include_all_metadata: true, limit: input.lookback }),
  );
  const earlier = findByMetadata(history.messages, input.eventType, input.key);
  let ts: string;
  if (earlier?.ts) {
    ts = earlier.ts;
    await slackCall('chat.update', () => client.chat.update({ channel, ts, text, blocks, metadata }));
  } else {
    const posted = await slackCall('chat.postMessage', () =>
      client.chat.postMessage({ channel, text, blocks, metadata, unfurl_links: false, unfurl_media: false }),
    );
    if (!posted.ts) throw toSlackFailure(new Error('answered ok without a ts'), 'chat.postMessage');
    ts = posted.ts;
    channel = posted.channel ?? channel;
  }
  const permalink = await permalinkOf(client, channel, ts);
  return { channel, ts, ...(permalink ? { permalink } : {}) };
}

/** Best effort: the message exists either way, and a later update does not need the link. */
async function permalinkOf(client: WebClient, channel: string, ts: string): Promise<string | undefined> {
  try {
    const res = await client.chat.getPermalink({ channel, message_ts: ts });
    return res.permalink;
  } catch {
    return undefined;
  }
}
