import { client } from '@datadog/datadog-api-client';
import { ApplicationFailure } from '@temporalio/common';
import { DatadogHttpError } from './client';
import { DatadogFailureType } from '../../workflows/domain/failures';

/** Datadog's error bodies are `{"errors": ["..."]}`; fall back to the raw text. */
function describeBody(body: unknown): string {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 300);
    }
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors)) return errors.map(String).join('; ');
  return JSON.stringify(parsed ?? '').slice(0, 300);
}

/** Seconds until the rate-limit window resets, as milliseconds; undefined when absent or unreadable. */
function resetDelayMs(headers: Record<string, string>): number | undefined {
  const raw = headers['x-ratelimit-reset'] ?? headers['retry-after'];
  const seconds = raw === undefined ? NaN : Number(raw.trim());
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  // A reset of 0 means "now"; wait a moment anyway so the retry does not land in the same window.
  return Math.max(seconds, 1) * 1000;
}

/** Which Datadog API failed, for the message: its name and the application key scope it needs. */
export interface DatadogApiName {
  name: string;
  scope: string;
}
export const LOGS_API: DatadogApiName = { name: 'Logs API', scope: 'logs_read_data' };
export const METRICS_API: DatadogApiName = { name: 'Metrics API', scope: 'timeseries_query' };

/**
 * Turns whatever the Datadog client threw into an `ApplicationFailure` the retry
 * policy understands: 429 and 5xx retry (after the rate-limit reset when known),
 * 401/403 and other 4xx do not.
 */
export function toDatadogFailure(err: unknown, api: DatadogApiName = LOGS_API): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  let status: number | undefined;
  let headers: Record<string, string> = {};
  let detail = '';
  if (err instanceof DatadogHttpError) {
    ({ status, headers } = err);
    detail = describeBody(err.bodyText);
  } else if (err instanceof client.ApiException) {
    status = err.code;
    detail = describeBody(err.body);
  }
  const cause = err instanceof Error ? err : undefined;

  if (status === undefined) {
    // No HTTP answer at all: connection refused, DNS, reset. Worth retrying.
    const message = `Datadog ${api.name} unreachable: ${cause?.message ?? String(err)}`;
    return ApplicationFailure.create({ message, type: DatadogFailureType.Unavailable, cause });
  }
  if (status === 429) {
    const nextRetryDelay = resetDelayMs(headers);
    return ApplicationFailure.create({
      message: `Datadog ${api.name} rate limit reached (HTTP 429${nextRetryDelay ? `, resets in ${nextRetryDelay / 1000}s` : ''}): ${detail}`,
      type: DatadogFailureType.RateLimited,
      nonRetryable: false,
      details: [{ status, rateLimit: pickRateLimitHeaders(headers) }],
      ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}),
      cause,
    });
  }
  if (status >= 500) {
    const nextRetryDelay = resetDelayMs(headers);
    return ApplicationFailure.create({
      message: `Datadog ${api.name} unavailable (HTTP ${status}): ${detail}`,
      type: DatadogFailureType.Unavailable,
      nonRetryable: false,
      details: [{ status }],
      ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}),
      cause,
    });
  }
  if (status === 401 || status === 403) {
    return ApplicationFailure.create({
      message:
        `Datadog rejected the credentials (HTTP ${status}: ${detail}). Check DATADOG_API_KEY and DATADOG_APP_KEY, ` +
        `that the application key has the ${api.scope} scope, and that DATADOG_SITE matches the account.`,
      type: DatadogFailureType.Auth,
      nonRetryable: true,
      details: [{ status }],
      cause,
    });
  }
  return ApplicationFailure.create({
    message: `Datadog ${api.name} refused the request (HTTP ${status}): ${detail}`,
    type: DatadogFailureType.BadRequest,
    nonRetryable: true,
    details: [{ status }],
    cause,
  });
}

function pickRateLimitHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('x-ratelimit-')));
}
