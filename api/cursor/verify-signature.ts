import { createHmac, timingSafeEqual } from 'node:crypto';

export type CursorSignatureResult = { ok: true } | { ok: false; reason: string };

const PREFIX = 'sha256=';

/**
 * Checks Cursor's webhook signature: `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw
 * body>` keyed with the secret given when the agent was launched. Cursor's payload carries no
 * timestamp in the signature, so there is no replay window to check; handlers must be idempotent.
 */
export function verifyCursorSignature(
  secret: string | undefined,
  rawBody: Buffer | string,
  header: string | undefined,
): CursorSignatureResult {
  if (!secret) return { ok: false, reason: 'CURSOR_WEBHOOK_SECRET is not configured' };
  if (!header) return { ok: false, reason: 'missing X-Webhook-Signature' };
  const given = header.trim();
  if (!given.toLowerCase().startsWith(PREFIX)) return { ok: false, reason: 'X-Webhook-Signature is not sha256=<hex>' };

  const expected = Buffer.from(`${PREFIX}${createHmac('sha256', secret).update(rawBody).digest('hex')}`, 'utf8');
  // Hex digits compare case-insensitively; the length (always 71) is public.
  const actual = Buffer.from(`${PREFIX}${given.slice(PREFIX.length).toLowerCase()}`, 'utf8');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
