import { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../infra/platform/config/load-config';
import { GitHubFailureType } from '../../workflows/domain/failures';

export type GitHubConfig = Config['github'];

export interface OctokitOptions {
  /** Per-request timeout; Octokit's own `request.timeout` is ignored by its fetch transport. */
  timeoutMs?: number;
  /** Aborts in-flight requests (e.g. the activity's cancellation signal). */
  signal?: AbortSignal;
}

export function configFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: GitHubFailureType.ConfigError, nonRetryable: true });
}

/**
 * An Octokit without the retry and throttling plugins: retrying is the activity retry
 * policy's job, and a rate limit must reach it as a failure carrying the reset time.
 */
export function createOctokit(config: Pick<GitHubConfig, 'token' | 'apiUrl'>, options: OctokitOptions = {}): Octokit {
  if (!config.token) throw configFailure('GITHUB_TOKEN is not set');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timedFetch: typeof fetch = (url, init) => {
    const signals = [AbortSignal.timeout(timeoutMs), options.signal, init?.signal ?? undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    return fetch(url, { ...init, signal: AbortSignal.any(signals) });
  };
  return new Octokit({
    auth: config.token,
    baseUrl: (config.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'bugfix-pipeline',
    request: { fetch: timedFetch },
    // Octokit logs 4xx/5xx itself through console; the failure we throw says it all.
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
}

/** `GITHUB_REPOSITORY` as Octokit's `{ owner, repo }`. */
export function repoOf(config: Pick<GitHubConfig, 'repository'>): { owner: string; repo: string } {
  const [owner, repo, ...rest] = (config.repository ?? '').split('/');
  if (!owner || !repo || rest.length) throw configFailure('GITHUB_REPOSITORY is not set (expected owner/name)');
  return { owner, repo };
}

interface HttpErrorShape extends Error {
  status: number;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
}

// By shape rather than instanceof: a second copy of @octokit/request-error would have another class.
function isHttpError(err: unknown): err is HttpErrorShape {
  return err instanceof Error && err.name === 'HttpError' && typeof (err as { status?: unknown }).status === 'number';
}

/** How long GitHub asks us to wait, in seconds: `retry-after`, else until `x-ratelimit-reset`. */
function rateLimitWaitSeconds(headers: Record<string, string | number | undefined>, now: number): number | undefined {
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return Math.max(1, retryAfter);
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset))
    return Math.max(1, Math.ceil(reset - now / 1000));
  return undefined;
}

/** Maps whatever Octokit threw to an ApplicationFailure a retry policy understands. */
export function toGitHubFailure(err: unknown, what = 'GitHub request', now = Date.now()): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const cause = err instanceof Error ? err : new Error(String(err));
  const fail = (
    type: string,
    message: string,
    extra: { nonRetryable?: boolean; nextRetryDelay?: number; status?: number } = {},
  ) =>
    ApplicationFailure.create({
      type,
      message: `${what}: ${message}`,
      cause,
      nonRetryable: extra.nonRetryable ?? false,
      ...(extra.status !== undefined ? { details: [{ status: extra.status }] } : {}),
      ...(extra.nextRetryDelay !== undefined ? { nextRetryDelay: extra.nextRetryDelay } : {}),
    });

  // Octokit reports connection errors and timeouts as status 500 without a response.
  if (!isHttpError(err) || !err.response)
    return fail(GitHubFailureType.Unavailable, `GitHub unreachable: ${cause.message}`);
  const { status } = err;
  const headers = err.response.headers;
  const detail = cause.message.slice(0, 300);

  if (status === 403 || status === 429) {
    const limited =
      status === 429 ||
      String(headers['x-ratelimit-remaining']) === '0' ||
      headers['retry-after'] !== undefined ||
      /rate limit/i.test(detail);
    if (limited) {
      // Secondary limits may come without headers; GitHub asks for at least a minute then.
      const seconds = rateLimitWaitSeconds(headers, now) ?? 60;
      return fail(GitHubFailureType.RateLimited, `rate limited (HTTP ${status}), retry in ${seconds}s: ${detail}`, {
        nextRetryDelay: seconds * 1000,
        status,
      });
    }
    return fail(
      GitHubFailureType.Auth,
      `HTTP 403: ${detail} (does GITHUB_TOKEN have access to the repository and the needed permissions?)`,
      { nonRetryable: true, status },
    );
  }
  if (status === 401)
    return fail(GitHubFailureType.Auth, `HTTP 401: ${detail} (check GITHUB_TOKEN)`, { nonRetryable: true, status });
  if (status === 404) return fail(GitHubFailureType.NotFound, `HTTP 404: ${detail}`, { nonRetryable: true, status });
  if (status === 422) return fail(GitHubFailureType.Validation, `HTTP 422: ${detail}`, { nonRetryable: true, status });
  if (status >= 500 || status === 408)
    return fail(GitHubFailureType.Unavailable, `HTTP ${status}: ${detail}`, { status });
  return fail(GitHubFailureType.RequestRejected, `HTTP ${status}: ${detail}`, { nonRetryable: true, status });
}

/** Runs GitHub calls, translating their failure. */
export async function githubCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toGitHubFailure(err, what);
  }
}
