import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { slackCall, toSlackFailure } from './client';
import { findByMetadata, RUN_EVENT_TYPE } from './metadata';
import { suggestionBlocks, type SuggestionView } from './suggestion-blocks';

export interface PostSuggestionInput {
  /** Channel ID (conversations.history does not take names; see resolveChannelId). */
  channel: string;
  view: SuggestionView;
  /** How many recent channel messages to search for an earlier attempt's post. */
  lookback?: number;
}

export function runMetadata(view: Pick<SuggestionView, 'workflowId' | 'runId'>) {
  return {
    event_type: RUN_EVENT_TYPE,
    event_payload: { workflow_id: view.workflowId, ...(view.runId ? { run_id: view.runId } : {}) },
  };
}

/**
 * Posts the approval message once per run. Slack has no idempotency key, so the message carries
 * the workflow id in its metadata: a retried attempt (say, after the response to the first
 * post was lost) finds that message in the channel's recent history and updates it instead.
 * With a `runId`, a rerun under the same workflow id gets a message of its own.
 */
export async function postSuggestion(
  client: WebClient,
  { channel, view, lookback = 100 }: PostSuggestionInput,
): Promise<SlackMessageRef> {
  const { text, blocks } = suggestionBlocks(view);
  const metadata = runMetadata(view);

  const history = await slackCall('conversations.history', () =>
    client.conversations.history({ channel, include_all_metadata: true, limit: lookback }),
  );
  const earlier = findByMetadata(history.messages, RUN_EVENT_TYPE, {
    workflow_id: view.workflowId,
    ...(view.runId ? { run_id: view.runId } : {}),
  });

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
