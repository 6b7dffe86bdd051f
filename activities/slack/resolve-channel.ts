import type { WebClient } from '@slack/web-api';
import { configFailure, toSlackFailure } from './client';

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/**
 * Turns SLACK_CHANNEL into a channel ID: conversations.history and .replies accept only IDs,
 * while people configure `#name`. Names resolve among public channels (channels:read);
 * a private channel must be configured by ID.
 */
export async function resolveChannelId(client: WebClient, channel: string): Promise<string> {
  const name = channel.trim().replace(/^#/, '');
  if (CHANNEL_ID.test(name)) return name;
  try {
    for await (const page of client.paginate('conversations.list', {
      types: 'public_channel',
      exclude_archived: true,
      limit: 200,
    })) {
      const channels = (page as { channels?: { id?: string; name?: string }[] }).channels ?? [];
      const found = channels.find((c) => c.name === name);
      if (found?.id) return found.id;
    }
  } catch (err) {
    throw toSlackFailure(err, 'conversations.list');
  }
  throw configFailure(`Slack channel ${channel} not found among public channels: set SLACK_CHANNEL to the channel ID`);
}
