import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { ErrorInput } from './fingerprint';
import { TOP_FRAMES } from './fingerprint';
import { frameKey } from './normalize-frame';
import { normalizeMessage } from './normalize-message';
import { parseStack } from './parse-stack';

// The rule before identities were made source-independent, kept only to find runs started under it.
const TYPE_PREFIX =
  /^((?:[A-Za-z_$][\w$]*(?:\.|::))+[A-Za-z_$][\w$]*|[A-Za-z_$]*(?:Error|Exception)|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+):\s+([\s\S]*)$/;

/**
 * The fingerprint the ingress gave this error before: sha256 over service, type, normalised
 * message and top frames. Runs started then carry it in their workflow id; the ingress still
 * signals them (see legacy-runs.ts) until they end. Remove once no such run is open.
 */
export function legacyFingerprint(input: ErrorInput): string {
  const parsed = input.stack?.trim() ? parseStack(input.stack) : { language: 'unknown' as const, frames: [] };
  let message = input.message?.trim() || parsed.message || '';
  let errorType = input.errorType?.trim() || parsed.errorType;
  if (!errorType) {
    const prefix = TYPE_PREFIX.exec(message);
    if (prefix?.[1]) [errorType, message] = [prefix[1], prefix[2] ?? ''];
  } else if (message.startsWith(`${errorType}: `)) {
    message = message.slice(errorType.length + 2);
  }
  const inApp = parsed.frames.filter((frame) => frame.inApp);
  const candidates = (inApp.length > 0 ? inApp : parsed.frames).map(frameKey);
  const topFrames = candidates.filter((key, i) => key !== candidates[i - 1]).slice(0, TOP_FRAMES);
  const parts = [input.service.trim().toLowerCase(), errorType || 'Error', normalizeMessage(message), ...topFrames];
  return bytesToHex(sha256(utf8ToBytes(parts.join('\u001f')))).slice(0, 16);
}
