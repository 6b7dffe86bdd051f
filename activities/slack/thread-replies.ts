import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { slackCall } from './client';

export interface ThreadReply {
  ts: string;
  user?: string;
  botId?: string;
  text: string;
}

/** People's replies in the suggestion's thread, oldest first (the parent message left out). */
export async function threadReplies(client: WebClient, ref: SlackMessageRef): Promise<ThreadReply[]> {
  const thread = await slackCall('conversations.replies', () =>
    client.conversations.replies({ channel: ref.channel, ts: ref.ts, limit: 200 }),
  );
  return (thread.messages ?? [])
    .filter((m) => m.ts && m.ts !== ref.ts)
    .map((m) => ({
      ts: m.ts!,
      text: m.text ?? '',
      ...(m.user ? { user: m.user } : {}),
      ...(m.bot_id ? { botId: m.bot_id } : {}),
    }));
}
