import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b)) && a.length === b.length;
}

/** The configured token's digest, hashed once rather than on every request. */
let expectedDigest: { token: string; digest: Buffer } | undefined;

/** Checks `Authorization: Bearer <token>`; returns a reason when it does not match. */
export function checkBearer(header: string | undefined, expected: string): string | undefined {
  if (!header) return 'missing Authorization header';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) return 'Authorization header is not a Bearer token';
  if (expectedDigest?.token !== expected) expectedDigest = { token: expected, digest: sha256(expected) };
  const given = match[1]!;
  return timingSafeEqual(sha256(given), expectedDigest.digest) && given.length === expected.length
    ? undefined
    : 'wrong token';
}
