import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { postOnce } from './post-once';
import { debtDigestBlocks, type DebtDigestView } from './debt-digest-blocks';

export const DEBT_DIGEST_EVENT_TYPE = 'bugfix_debt_digest';

/** Posts one scan's digest once: keyed by the scan's run, a retried attempt updates its own message. */
export async function postDebtDigest(
  client: WebClient,
  input: { channel: string; view: DebtDigestView; runId: string; lookback?: number },
): Promise<SlackMessageRef> {
  const { text, blocks } = debtDigestBlocks(input.view);
  const key = { workflow_id: input.view.scan.workflowId, run_id: input.runId };
  return postOnce(client, {
    channel: input.channel,
    text,
    blocks,
    eventType: DEBT_DIGEST_EVENT_TYPE,
    key,
    lookback: input.lookback ?? 100,
  });
}
