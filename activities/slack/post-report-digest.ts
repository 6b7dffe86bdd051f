import type { KnownBlock, WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { postOnce } from './post-once';

export const DIGEST_EVENT_TYPE = 'bugfix_report_digest';

/** Posts the digest once per `digestId` (the digest run): a retried attempt updates its own message. */
export async function postReportDigest(
  client: WebClient,
  input: { channel: string; digestId: string; text: string; blocks: KnownBlock[]; lookback?: number },
): Promise<SlackMessageRef> {
  const { channel, text, blocks } = input;
  const key = { digest_id: input.digestId };
  const posted = await postOnce(client, {
    channel,
    text,
    blocks,
    eventType: DIGEST_EVENT_TYPE,
    key,
    lookback: input.lookback ?? 50,
  });
  return { channel: posted.channel, ts: posted.ts };
}
