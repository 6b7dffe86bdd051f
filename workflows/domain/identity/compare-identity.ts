import type { ErrorIdentity, LogDiscardReason } from '../types';

/** Why a sighting is not this run's error, most specific last. */
export const MISMATCHES: readonly LogDiscardReason[] = [
  'other-service',
  'other-message',
  'other-error-type',
  'other-frames',
];
export type IdentityMismatch = LogDiscardReason;

export type IdentityKey = Pick<ErrorIdentity, 'service' | 'normalizedMessage' | 'errorType' | 'topFrames'>;

// Types that say nothing about the bug: a logger's default, Go's plain `errors.New`.
const GENERIC_TYPES = new Set(['error', 'exception', 'throwable', 'standarderror', 'errorstring', 'panic', 'fatal']);

/**
 * Whether `seen` is the error `run` is about: same service and normalised message (the fingerprint's
 * parts), then the refinements where both sides know them — the error type (by its simple name, so
 * `java.lang.X` and `X` agree) and the top in-app frames (the shorter list a prefix of the longer).
 * Returns undefined for a match, else the first thing that differs.
 */
export function compareIdentity(run: IdentityKey, seen: IdentityKey): IdentityMismatch | undefined {
  if (run.service.trim().toLowerCase() !== seen.service.trim().toLowerCase()) return 'other-service';
  if (run.normalizedMessage !== seen.normalizedMessage) return 'other-message';
  const [a, b] = [specificType(run.errorType), specificType(seen.errorType)];
  if (a && b && a !== b) return 'other-error-type';
  if (!framesAgree(run.topFrames, seen.topFrames)) return 'other-frames';
  return undefined;
}

/** The type's simple name, lowercased; undefined when it tells nothing. */
export function specificType(errorType: string | undefined): string | undefined {
  const simple = errorType
    ?.trim()
    .split(/\.|::|\//)
    .pop()
    ?.replace(/^\*/, '')
    .toLowerCase();
  return simple && !GENERIC_TYPES.has(simple) ? simple : undefined;
}

export function framesAgree(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
