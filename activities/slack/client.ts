import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../infra/platform/config/load-config';
import { SlackFailureType } from '../../workflows/domain/failures';

const CONFIG_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'team_access_not_granted',
  'ekm_access_denied',
  'org_login_required',
]);
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * A WebClient whose own retries are off: retrying is the activity retry policy's job, and a
 * 429 is rejected at once so its Retry-After can become the activity's next retry delay.
 */
export function createSlackClient(
  config: Pick<Config['slack'], 'botToken' | 'apiUrl'>,
  options: { timeoutMs?: number } = {},
): WebClient {
  if (!config.botToken) throw configFailure('SLACK_BOT_TOKEN is not set');
  return new WebClient(config.botToken, {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/` } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 30_000,
    logLevel: LogLevel.ERROR,
  });
}

export function configFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: SlackFailureType.ConfigError, nonRetryable: true });
}

const CALL_ERROR_CODES = new Set<unknown>([
  ErrorCode.RateLimitedError,
  ErrorCode.HTTPError,
  ErrorCode.RequestError,
  ErrorCode.PlatformError,
]);

// By code rather than instanceof: a second copy of the library would have other classes.
function isSlackCallError(err: unknown): err is WebAPICallError {
  return err instanceof Error && CALL_ERROR_CODES.has((err as { code?: unknown }).code);
}

/** Maps an error thrown by the WebClient to an ApplicationFailure a retry policy understands. */
export function toSlackFailure(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const cause = err instanceof Error ? err : new Error(String(err));
  const fail = (type: string, message: string, extra: { nonRetryable?: boolean; nextRetryDelay?: string } = {}) =>
    ApplicationFailure.create({
      type,
      message: `${what}: ${message}`,
      cause,
      nonRetryable: extra.nonRetryable ?? false,
      ...(extra.nextRetryDelay ? { nextRetryDelay: extra.nextRetryDelay } : {}),
    });

  if (!isSlackCallError(err)) return fail(SlackFailureType.Unavailable, cause.message);
  switch (err.code) {
    case ErrorCode.RateLimitedError:
      return fail(SlackFailureType.RateLimited, `rate limited, retry after ${err.retryAfter}s`, {
        nextRetryDelay: `${Math.max(1, err.retryAfter)}s`,
      });
    case ErrorCode.HTTPError:
      if (err.statusCode >= 500 || err.statusCode === 408)
        return fail(SlackFailureType.Unavailable, `HTTP ${err.statusCode}`);
      return fail(SlackFailureType.ConfigError, `HTTP ${err.statusCode} (is SLACK_API_URL right?)`, {
        nonRetryable: true,
      });
    case ErrorCode.RequestError:
      return fail(SlackFailureType.Unavailable, err.original.message);
    case ErrorCode.PlatformError: {
      const code = err.data.error;
      if (code === 'ratelimited') {
        const after = Number(err.data.response_metadata?.retryAfter ?? 1);
        return fail(SlackFailureType.RateLimited, 'rate limited', { nextRetryDelay: `${Math.max(1, after)}s` });
      }
      if (TRANSIENT_ERRORS.has(code)) return fail(SlackFailureType.Unavailable, code);
      if (CONFIG_ERRORS.has(code))
        return fail(SlackFailureType.ConfigError, `${code}${configHint(code)}`, { nonRetryable: true });
      return fail(SlackFailureType.RequestRejected, code, { nonRetryable: true });
    }
  }
}

function configHint(code: string): string {
  if (code === 'not_in_channel' || code === 'channel_not_found')
    return ' (invite the bot to SLACK_CHANNEL and use the channel ID)';
  if (code === 'missing_scope') return ' (reinstall the app from infra/slack/manifest.yaml)';
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked') return ' (check SLACK_BOT_TOKEN)';
  return '';
}

/** Runs one Web API call, translating its failure. */
export async function slackCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toSlackFailure(err, what);
  }
}
