import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { parseErrorStack, topFrameKeys, type ErrorInput } from './fingerprint';
import { normalizeMessage } from './normalize-message';
import type { ParsedStack } from './parse-stack';

// The rule before identities were made source-independent, kept only to find runs started under it:
// a frozen copy of the type prefix it used (headline.ts's may change; this one must not).
const TYPE_PREFIX =
  /^((?:[A-Za-z_$][\w$]*(?:\.|::))+[A-Za-z_$][\w$]*|[A-Za-z_$]*(?:Error|Exception)|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+):\s+([\s\S]*)$/;

/**
 * The fingerprint the ingress gave this error before: sha256 over service, type, normalised
 * message and top frames. Runs started then carry it in their workflow id; the ingress still
 * signals them (see legacy-runs.ts) until they end. Remove once no such run is open.
 */
export function legacyFingerprint(input: ErrorInput, parsed: ParsedStack = parseErrorStack(input.stack)): string {
  let message = input.message?.trim() || parsed.message || '';
  let errorType = input.errorType?.trim() || parsed.errorType;
  if (!errorType) {
    const prefix = TYPE_PREFIX.exec(message);
    if (prefix?.[1]) [errorType, message] = [prefix[1], prefix[2] ?? ''];
  } else if (message.startsWith(`${errorType}: `)) {
    message = message.slice(errorType.length + 2);
  }
  const parts = [
    input.service.trim().toLowerCase(),
    errorType || 'Error',
    normalizeMessage(message),
    ...topFrameKeys(parsed),
  ];
  return bytesToHex(sha256(utf8ToBytes(parts.join('\u001f')))).slice(0, 16);
}
