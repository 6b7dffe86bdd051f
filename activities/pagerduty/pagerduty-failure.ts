import { ApplicationFailure } from '@temporalio/common';
import { PagerDutyFailureType } from '../../workflows/domain/failures';

const MAX_DETAIL = 500;

/** The routing key is a secret: whatever PagerDuty or the network says, it is cut out before it reaches a failure. */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[routing key]') : text;
}

/** 400 `{ status: 'invalid event', message, errors: [...] }`: the event itself is wrong, retrying cannot help. */
export function invalidEventFailure(what: string, body: unknown, text: string, secret: string): ApplicationFailure {
  const b = (body ?? {}) as { message?: unknown; errors?: unknown };
  const errors = Array.isArray(b.errors) ? b.errors.map((e) => redact(String(e), secret)) : [];
  const message = typeof b.message === 'string' ? redact(b.message, secret) : redact(text.trim(), secret);
  return ApplicationFailure.create({
    type: PagerDutyFailureType.InvalidEvent,
    message: `${what}: PagerDuty refused the event (HTTP 400: ${[message, ...errors].join('; ').slice(0, MAX_DETAIL)})`,
    nonRetryable: true,
    details: [{ status: 400, errors }],
  });
}

/** Retry-After in seconds as milliseconds (at least one second); undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? NaN : Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.max(seconds, 1) * 1000 : undefined;
}

/** Any other non-2xx answer: 429 and 5xx retry, other 4xx do not. */
export function httpFailure(
  what: string,
  status: number,
  headers: Headers,
  text: string,
  secret: string,
): ApplicationFailure {
  const detail = redact(text.trim(), secret).slice(0, MAX_DETAIL) || 'no body';
  if (status === 429 || status >= 500 || status === 408) {
    const nextRetryDelay = retryAfterMs(headers.get('retry-after'));
    return ApplicationFailure.create({
      type: status === 429 ? PagerDutyFailureType.RateLimited : PagerDutyFailureType.Unavailable,
      message: `${what}: ${status === 429 ? 'throttled by PagerDuty' : 'PagerDuty unavailable'} (HTTP ${status}: ${detail})`,
      nonRetryable: false,
      details: [{ status }],
      ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}),
    });
  }
  return ApplicationFailure.create({
    type: PagerDutyFailureType.RequestRejected,
    message: `${what}: PagerDuty refused the request (HTTP ${status}: ${detail})`,
    nonRetryable: true,
    details: [{ status }],
  });
}

/** No HTTP answer (connection refused, DNS, reset, timeout) or an unreadable one. */
export function unavailableFailure(what: string, err: unknown, secret: string): ApplicationFailure {
  const raw = err instanceof Error ? err : new Error(String(err));
  const reason = raw.name === 'TimeoutError' ? 'request timed out' : redact(raw.message, secret);
  return ApplicationFailure.create({
    type: PagerDutyFailureType.Unavailable,
    message: `${what}: PagerDuty unreachable (${reason})`,
    nonRetryable: false,
  });
}

export function configFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: PagerDutyFailureType.Config, message, nonRetryable: true });
}
