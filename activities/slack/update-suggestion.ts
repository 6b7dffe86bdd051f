import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { slackCall } from './client';
import { runMetadata } from './post-suggestion';
import { suggestionBlocks, type SuggestionView } from './suggestion-blocks';

/** Re-renders the approval message in place (decision taken, expired, failed...). Naturally idempotent. */
export async function updateSuggestion(client: WebClient, ref: SlackMessageRef, view: SuggestionView): Promise<void> {
  const { text, blocks } = suggestionBlocks(view);
  await slackCall('chat.update', () =>
    client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks, metadata: runMetadata(view) }),
  );
}
