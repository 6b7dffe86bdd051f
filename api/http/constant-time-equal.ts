import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Checks `Authorization: Bearer <token>`; returns a reason when it does not match. */
export function checkBearer(header: string | undefined, expected: string): string | undefined {
  if (!header) return 'missing Authorization header';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) return 'Authorization header is not a Bearer token';
  return constantTimeEqual(match[1]!, expected) ? undefined : 'wrong token';
}
