import { createHash } from 'node:crypto';
import type { ErrorIdentity } from '../../workflows/types';
import { frameKey } from './normalize-frame';
import { normalizeMessage } from './normalize-message';
import { parseStack } from './parse-stack';

export interface ErrorInput {
  service: string;
  errorType?: string;
  message: string;
  stack?: string;
}

export const TOP_FRAMES = 3;
const SEPARATOR = '\u001f';

// A leading error type: qualified (`a.b.C`, `A::B`), `...Error`/`...Exception`, or two-hump PascalCase (`StopIteration`).
const TYPE_PREFIX = /^((?:[A-Za-z_$][\w$]*(?:\.|::))+[A-Za-z_$][\w$]*|[A-Za-z_$]*(?:Error|Exception)|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+):\s+([\s\S]*)$/;

/**
 * Who an error is: the same fingerprint means the same bug. Built from the service, the
 * error type, the normalised message and the top in-app frames as `file:function`
 * (no line numbers, so a redeploy that shifts lines keeps the fingerprint).
 */
export function fingerprintError(input: ErrorInput): ErrorIdentity {
  const parsed = input.stack?.trim() ? parseStack(input.stack) : { language: 'unknown' as const, frames: [] };
  const service = input.service.trim();
  let message = input.message?.trim() || parsed.message || '';
  let errorType = input.errorType?.trim() || parsed.errorType;
  if (!errorType) {
    const prefix = TYPE_PREFIX.exec(message);
    if (prefix?.[1]) [errorType, message] = [prefix[1], prefix[2] ?? ''];
  } else if (message.startsWith(`${errorType}: `)) {
    // Some loggers repeat the type in the message; others do not.
    message = message.slice(errorType.length + 2);
  }
  errorType ||= 'Error';

  const inApp = parsed.frames.filter((frame) => frame.inApp);
  // An error raised entirely inside libraries is still told apart by where it surfaced.
  const candidates = (inApp.length > 0 ? inApp : parsed.frames).map(frameKey);
  // Recursion, and inner/outer traces sharing a method, repeat keys.
  const topFrames = candidates.filter((key, i) => key !== candidates[i - 1]).slice(0, TOP_FRAMES);

  const normalizedMessage = normalizeMessage(message);
  const parts = [service.toLowerCase(), errorType, normalizedMessage, ...topFrames];
  const fingerprint = createHash('sha256').update(parts.join(SEPARATOR)).digest('hex').slice(0, 16);
  return { fingerprint, service, errorType, normalizedMessage, topFrames, language: parsed.language };
}

export const SERVICE_SLUG_MAX = 40;

/**
 * `<prefix>-<service-slug>-<fingerprint>`: one Temporal workflow per unique error. The prefix
 * (WORKFLOW_ID_PREFIX, default `bugfix`) keeps two deployments sharing a namespace apart.
 */
export function workflowIdFor(identity: ErrorIdentity, prefix = 'bugfix'): string {
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
