import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { slackCall } from './client';

/**
 * Shares the whole diff as a file in the suggestion's thread, so the approver can read every line
 * the message cannot show. Once per thread: a retried attempt finds the file already there.
 */
export async function attachFullDiff(
  client: WebClient,
  ref: SlackMessageRef,
  { diff, filename }: { diff: string; filename: string },
): Promise<void> {
  const thread = await slackCall('conversations.replies', () =>
    client.conversations.replies({ channel: ref.channel, ts: ref.ts, limit: 200 }),
  );
  if (thread.messages?.some((m) => m.files?.some((f) => f.name === filename))) return;
  await slackCall('files.uploadV2', () =>
    client.filesUploadV2({
      channel_id: ref.channel,
      thread_ts: ref.ts,
      file: Buffer.from(diff, 'utf8'),
      filename,
      title: filename,
      initial_comment: 'The full proposed diff: the message above cannot show all of it.',
    }),
  );
}
