import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../http/constant-time-equal';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks Jira Cloud's secret-signed webhooks: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw
 * body, keyed with the webhook's secret>` (WebSub's method=signature form), in constant time.
 */
export function verifyJiraSignature(
  secret: string | undefined,
  rawBody: Buffer,
  signatureHeader: string | undefined,
): SignatureCheck {
  if (!secret) return { ok: false, reason: 'JIRA_WEBHOOK_SECRET is not set' };
  if (!signatureHeader) return { ok: false, reason: 'missing X-Hub-Signature header' };
  const given = signatureHeader.trim();
  if (!/^sha256=[0-9a-f]{64}$/i.test(given))
    return { ok: false, reason: 'X-Hub-Signature is not of the form sha256=<64 hex digits>' };
  if (rawBody.length === 0) return { ok: false, reason: 'empty body' };
  const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
  return constantTimeEqual(expected, given.slice('sha256='.length).toLowerCase())
    ? { ok: true }
    : { ok: false, reason: 'signature does not match' };
}
