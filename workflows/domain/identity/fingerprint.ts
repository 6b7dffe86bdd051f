import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { ErrorIdentity } from '../types';
import { headlineOf } from './headline';
import { frameKey } from './normalize-frame';
import { normalizeMessage } from './normalize-message';
import { parseStack, type ParsedStack } from './parse-stack';

export interface ErrorInput {
  service: string;
  /** The type when the source names it separately (Datadog's `error.kind`). */
  errorType?: string;
  /** The log message, or the error's own message; only its first line counts. */
  message: string;
  stack?: string;
}

export const TOP_FRAMES = 3;
/** Service and type become search attributes (Temporal caps a value at 2 KB): longer ones are cut. */
export const MAX_SERVICE_LENGTH = 200;
export const MAX_ERROR_TYPE_LENGTH = 200;
const SEPARATOR = '\u001f';

/**
 * Who an error is, the same whatever reported it (see README.md beside this file):
 * the fingerprint is the service and the normalised headline message, the two things every source
 * has; the error type and the top in-app frames are refinements, compared by `compareIdentity`
 * only when both sides know them.
 */
export function fingerprintError(input: ErrorInput, parsed: ParsedStack = parseErrorStack(input.stack)): ErrorIdentity {
  const service = input.service.trim().slice(0, MAX_SERVICE_LENGTH);
  // Without a message, the trace's first line is the headline: its exception, not the root cause.
  const head = headlineOf(input.message?.trim() ? input.message : (input.stack ?? ''), parsed);
  const errorType = (input.errorType?.trim() || head.errorType || parsed.errorType || 'Error').slice(
    0,
    MAX_ERROR_TYPE_LENGTH,
  );

  const topFrames = topFrameKeys(parsed);
  const normalizedMessage = normalizeMessage(head.message);
  const fingerprint = bytesToHex(sha256(utf8ToBytes([service.toLowerCase(), normalizedMessage].join(SEPARATOR)))).slice(
    0,
    16,
  );
  return { fingerprint, service, errorType, normalizedMessage, topFrames, language: parsed.language };
}

/** The parsed trace of `stack`; callers that fingerprint one trace several ways parse it once. */
export function parseErrorStack(stack: string | undefined): ParsedStack {
  return stack?.trim() ? parseStack(stack) : { language: 'unknown', frames: [] };
}

/** The top in-app frames as `file:function`, innermost first. */
export function topFrameKeys(parsed: ParsedStack): string[] {
  const inApp = parsed.frames.filter((frame) => frame.inApp);
  // An error raised entirely inside libraries is still told apart by where it surfaced.
  const candidates = (inApp.length > 0 ? inApp : parsed.frames).map(frameKey);
  // Recursion, and inner/outer traces sharing a method, repeat keys.
  return candidates.filter((key, i) => key !== candidates[i - 1]).slice(0, TOP_FRAMES);
}

export const SERVICE_SLUG_MAX = 40;

/**
 * `<prefix>-<service-slug>-<fingerprint>`: one Temporal workflow per unique error. The prefix
 * (WORKFLOW_ID_PREFIX, default `bugfix`) keeps two deployments sharing a namespace apart.
 */
export function workflowIdFor(identity: Pick<ErrorIdentity, 'service' | 'fingerprint'>, prefix = 'bugfix'): string {
  const slug =
    identity.service
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+/, '')
      .slice(0, SERVICE_SLUG_MAX)
      .replace(/-+$/, '') || 'unknown';
  return `${prefix}-${slug}-${identity.fingerprint}`;
}
