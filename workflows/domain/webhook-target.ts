import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The run a Cursor agent reports back to travels in the webhook URL's query, which Cursor's
 * body signature does not cover: the URL carries its own signature of the run, so a signed body
 * cannot be pointed at another run. Keyed with CURSOR_WEBHOOK_SECRET.
 */
export function webhookTargetSignature(secret: string, workflowId: string): string {
  return bytesToHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(`cursor-webhook-target:${workflowId}`)));
}
