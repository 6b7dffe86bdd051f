import { Webhooks } from '@octokit/webhooks';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks GitHub's `X-Hub-Signature-256: sha256=<hex HMAC of the raw body>` in constant
 * time. The raw bytes must be what GitHub sent: a re-serialised JSON body will not verify.
 */
export async function verifyGitHubSignature(
  secret: string | undefined,
  rawBody: Buffer | string,
  signatureHeader: string | undefined,
): Promise<SignatureCheck> {
  if (!secret) return { ok: false, reason: 'GITHUB_WEBHOOK_SECRET is not set' };
  if (!signatureHeader) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
  if (!/^sha256=[0-9a-f]{64}$/i.test(signatureHeader.trim()))
    return { ok: false, reason: 'X-Hub-Signature-256 is not of the form sha256=<64 hex digits>' };
  const payload = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  // The library signs a string: bytes that are not valid UTF-8 would not survive the round trip.
  if (typeof rawBody !== 'string' && !Buffer.from(payload, 'utf8').equals(rawBody))
    return { ok: false, reason: 'body is not valid UTF-8' };
  if (payload.length === 0) return { ok: false, reason: 'empty body' };
  const valid = await new Webhooks({ secret }).verify(payload, signatureHeader.trim().toLowerCase());
  return valid ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
