import { ApplicationFailure } from '@temporalio/common';
import { CursorFailureType } from '../../workflows/domain/failures';

const MAX_DETAIL = 500;

/** Cursor's error bodies are JSON with `error` or `message` (sometimes nested); otherwise the text itself. */
export function describeErrorBody(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.trim().slice(0, MAX_DETAIL);
  }
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return pick(o.message) ?? pick(o.error) ?? pick(o.detail);
    }
    return undefined;
  };
  return (pick(parsed) ?? JSON.stringify(parsed)).slice(0, MAX_DETAIL);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  // "Retry now" still waits a moment so the retry does not land in the same window.
  return Math.max(ms, 1000);
}

/** Maps a non-2xx answer to a failure the activity retry policy understands. */
export function httpFailure(what: string, status: number, headers: Headers, bodyText: string): ApplicationFailure {
  const detail = describeErrorBody(bodyText);
  const details = [{ status, detail }];
  if (status === 401 || status === 403) {
    return ApplicationFailure.create({
      type: CursorFailureType.Auth,
      message: `${what}: Cursor rejected the API key (HTTP ${status}: ${detail}). Check CURSOR_API_KEY and that the key's account can access the repository.`,
      nonRetryable: true,
      details,
    });
  }
  if (status === 429) {
    const nextRetryDelay = retryAfterMs(headers.get('retry-after'));
    return ApplicationFailure.create({
      type: CursorFailureType.RateLimited,
      message: `${what}: rate limited by Cursor (HTTP 429${nextRetryDelay ? `, retry after ${nextRetryDelay / 1000}s` : ''})`,
      nonRetryable: false,
      details,
      ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}),
    });
  }
  if (status >= 500 || status === 408) {
    const nextRetryDelay = retryAfterMs(headers.get('retry-after'));
    return ApplicationFailure.create({
      type: CursorFailureType.Unavailable,
      message: `${what}: Cursor API unavailable (HTTP ${status}: ${detail})`,
      nonRetryable: false,
      details,
      ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}),
    });
  }
  return ApplicationFailure.create({
    type: CursorFailureType.BadRequest,
    message: `${what}: Cursor refused the request (HTTP ${status}: ${detail})`,
    nonRetryable: true,
    details,
  });
}

/** No HTTP answer at all (connection refused, DNS, reset, timeout) or an unreadable one. */
export function unavailableFailure(what: string, err: unknown): ApplicationFailure {
  const cause = err instanceof Error ? err : new Error(String(err));
  const reason = cause.name === 'TimeoutError' ? 'request timed out' : cause.message;
  return ApplicationFailure.create({
    type: CursorFailureType.Unavailable,
    message: `${what}: Cursor API unreachable (${reason})`,
    nonRetryable: false,
    cause,
  });
}

export function configFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: CursorFailureType.Config, message, nonRetryable: true });
}
