import { ApplicationFailure } from '@temporalio/common';

import { JiraFailureType } from '../../workflows/domain/failures';

export { JiraFailureType };

interface HttpLike {
  status?: unknown;
  response?: unknown;
  cause?: unknown;
}

/** Jira's error body `{errorMessages: [], errors: {field: message}}`, as one line. */
function describeBody(data: unknown): string {
  if (typeof data === 'string') return data.slice(0, 300);
  const body = data as { errorMessages?: unknown; errors?: unknown } | null;
  const parts: string[] = [];
  if (Array.isArray(body?.errorMessages)) parts.push(...body.errorMessages.map(String));
  if (body?.errors && typeof body.errors === 'object')
    for (const [field, message] of Object.entries(body.errors)) parts.push(`${field}: ${String(message)}`);
  return (parts.join('; ') || JSON.stringify(data ?? '')).slice(0, 300);
}

/** Seconds in Retry-After as milliseconds (at least one second); undefined when absent. */
function retryAfterMs(headers: unknown): number | undefined {
  const h = headers as Record<string, unknown> | undefined;
  const seconds = Number(h?.['retry-after']);
  return h?.['retry-after'] !== undefined && Number.isFinite(seconds) ? Math.max(1, seconds) * 1000 : undefined;
}

/**
 * Whatever jira.js threw as an `ApplicationFailure`: its `HttpException` carries the status and
 * Jira's body, and its `cause` (axios's error) the headers; an axios error without a response is
 * a connection problem.
 */
export function toJiraFailure(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const cause = err instanceof Error ? err : new Error(String(err));
  const e = err as HttpLike;
  const axios = (e.cause ?? err) as { response?: { status?: number; headers?: unknown; data?: unknown } };
  const status = typeof e.status === 'number' && axios.response ? e.status : axios.response?.status;
  const fail = (type: string, message: string, nonRetryable: boolean, nextRetryDelay?: number) =>
    ApplicationFailure.create({
      type,
      message: `${what}: ${message}`,
      nonRetryable,
      cause,
      ...(status !== undefined ? { details: [{ status }] } : {}),
      ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}),
    });

  if (status === undefined) return fail(JiraFailureType.Unavailable, `Jira unreachable: ${cause.message}`, false);
  const detail = describeBody(axios.response?.data);
  if (status === 401 || status === 403)
    return fail(
      JiraFailureType.Auth,
      `HTTP ${status}: ${detail} (check JIRA_EMAIL, JIRA_API_TOKEN and the account's project permissions)`,
      true,
    );
  if (status === 404) return fail(JiraFailureType.NotFound, `HTTP 404: ${detail}`, true);
  if (status === 429)
    return fail(JiraFailureType.RateLimited, `rate limited: ${detail}`, false, retryAfterMs(axios.response?.headers));
  if (status >= 500 || status === 408)
    return fail(JiraFailureType.Unavailable, `HTTP ${status}: ${detail}`, false, retryAfterMs(axios.response?.headers));
  return fail(JiraFailureType.BadRequest, `HTTP ${status}: ${detail}`, true);
}

/** Runs Jira calls, translating their failure. */
export async function jiraCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toJiraFailure(err, what);
  }
}
