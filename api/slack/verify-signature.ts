import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SlackSignatureInput {
  signingSecret: string | undefined;
  /** The body exactly as received: re-serialising parsed JSON or form data breaks the HMAC. */
  rawBody: Buffer | string;
  /** `X-Slack-Request-Timestamp` */
  timestamp?: string;
  /** `X-Slack-Signature` */
  signature?: string;
  nowSeconds?: number;
}

export type SlackSignatureResult = { ok: true } | { ok: false; reason: string };

/** Slack's documented replay window. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** Checks Slack's v0 request signature: hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`. */
export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureResult {
  const { signingSecret, rawBody, timestamp, signature } = input;
  if (!signingSecret) return { ok: false, reason: 'SLACK_SIGNING_SECRET is not configured' };
  if (!timestamp) return { ok: false, reason: 'missing X-Slack-Request-Timestamp' };
  if (!signature) return { ok: false, reason: 'missing X-Slack-Signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed X-Slack-Request-Timestamp' };

  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  // Both directions: a far-future timestamp would stay replayable for as long.
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_SECONDS)
    return { ok: false, reason: 'timestamp outside the 5-minute window' };

  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`, 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual throws on unequal lengths; the length itself is public (always 67).
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
