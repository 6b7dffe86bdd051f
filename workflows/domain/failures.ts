import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

/**
 * Every failure type the pipeline raises, by outside system: the activities throw
 * `ApplicationFailure`s of these types, retry policies name them in `nonRetryableErrorTypes`,
 * and the workflow tells them apart with `isFailureOfType`. One spelling for all three.
 */

/** Datadog Logs API. */
export const DatadogFailureType = {
  RateLimited: 'DatadogRateLimited',
  Unavailable: 'DatadogUnavailable',
  Auth: 'DatadogAuthError',
  BadRequest: 'DatadogBadRequest',
} as const;

/** Slack Web API and response URLs; the non-retryable ones are also marked so on the failure itself. */
export const SlackFailureType = {
  /** 429: retryable, `nextRetryDelay` carries Slack's Retry-After. */
  RateLimited: 'SlackRateLimited',
  /** 5xx, network errors, timeouts, Slack-side internal errors: retryable. */
  Unavailable: 'SlackUnavailable',
  /** Token, scopes, channel membership or URL wrong: retrying cannot help. */
  ConfigError: 'SlackConfigError',
  /** Slack refused the request itself (invalid blocks, message gone...): a bug, not retryable. */
  RequestRejected: 'SlackRequestRejected',
} as const;

/** GitHub REST API; the non-retryable ones are also marked so on the failure itself. */
export const GitHubFailureType = {
  /** 401, or a 403 that is not a rate limit: token missing, expired or lacking scopes. */
  Auth: 'GitHubAuthError',
  /** Primary or secondary rate limit: retryable, `nextRetryDelay` is when the limit resets. */
  RateLimited: 'GitHubRateLimited',
  NotFound: 'GitHubNotFound',
  /** 422: GitHub refused the request's content (branch missing, nothing to compare...). */
  Validation: 'GitHubValidation',
  /** Any other 4xx: the request itself is wrong, retrying cannot help. */
  RequestRejected: 'GitHubRequestRejected',
  /** 5xx, timeouts, connection errors: retryable. */
  Unavailable: 'GitHubUnavailable',
  ConfigError: 'GitHubConfigError',
} as const;

/** Cursor cloud agents API. */
export const CursorFailureType = {
  /** 401/403: the API key is wrong, revoked or lacks access to the repository. Not retryable. */
  Auth: 'CursorAuthError',
  /** 429: retryable, `nextRetryDelay` honours Retry-After. */
  RateLimited: 'CursorRateLimited',
  /** 5xx, timeouts, network errors, unreadable answers: retryable. */
  Unavailable: 'CursorUnavailable',
  /** Any other 4xx (invalid body, unknown agent, repository not connected...). Not retryable. */
  BadRequest: 'CursorBadRequest',
  /** CURSOR_API_KEY missing: nothing to call with. Not retryable. */
  Config: 'CursorConfigError',
} as const;

/** PagerDuty Events API v2; the non-retryable ones are also marked so on the failure itself. */
export const PagerDutyFailureType = {
  /** 400: PagerDuty refused the event (its `errors` are in the details). Not retryable. */
  InvalidEvent: 'PagerDutyInvalidEvent',
  /** 429: retryable, after Retry-After when given. */
  RateLimited: 'PagerDutyRateLimited',
  /** 5xx, timeouts, connection errors, unreadable answers: retryable. */
  Unavailable: 'PagerDutyUnavailable',
  /** Any other 4xx (wrong URL, body too large...). Not retryable. */
  RequestRejected: 'PagerDutyRequestRejected',
  /** No PagerDuty integration for the service. Not retryable. */
  Config: 'PagerDutyConfigError',
} as const;

/** Clone, patch and push (isomorphic-git). */
export const GitFailureType = {
  /** The git server refused the credentials (401/403). Not retryable. */
  Auth: 'GitAuthError',
  /** Repository, branch or commit not found. Not retryable. */
  NotFound: 'GitNotFound',
  /** GIT_REPO_URL missing or unusable. Not retryable. */
  Config: 'GitConfigError',
  /** Another HTTP error from the git server. */
  Server: 'GitServerError',
  /** Connection refused, reset, timed out: retryable. */
  Network: 'GitNetworkError',
  /** The push was refused (e.g. a ref moved): retryable. */
  PushRejected: 'GitPushRejected',
  /** The diff changes protected files and its approval did not allow that. Not retryable. */
  ProtectedPaths: 'ProtectedPathsRefused',
  /** The approved diff does not apply to the branch any more. Not retryable. */
  PatchDoesNotApply: 'PatchDoesNotApply',
  /** The diff changes nothing on the branch. Not retryable. */
  EmptyPatch: 'EmptyPatch',
  /** Anything else git reported. */
  Other: 'GitError',
} as const;

/** The Claude Code CLI. */
export const ClaudeFailureType = {
  /** The CLI ran past CLAUDE_TIMEOUT and was killed. */
  Timeout: 'ClaudeTimeout',
  /** The CLI exited with an error or printed no result. */
  Failed: 'ClaudeFailed',
  /** The session reached CLAUDE_MAX_BUDGET_USD. Not retryable: another attempt would spend as much again. */
  OverBudget: 'ClaudeOverBudget',
  /** The checkout is not at the commit the fix is for. Not retryable. */
  WorkingTreeMismatch: 'WorkingTreeMismatch',
} as const;

/** The sandbox that runs the application's tests. */
export const SandboxFailureType = {
  /** bubblewrap, socat or ripgrep is missing, or the sandbox refused to start: no test runs unconfined. */
  Unavailable: 'SandboxUnavailable',
} as const;

/** Raised by the workflow itself. */
export const PipelineFailureType = {
  /** The run failed; its cause says where. */
  Failed: 'PipelineFailed',
  /** A Cursor agent ended in ERROR or EXPIRED: a human may retry the PR step. */
  CursorAgentFailed: 'CursorAgentFailed',
} as const;

/** Whether `err` is, or is an activity failure caused by, an `ApplicationFailure` of `type`. */
export function isFailureOfType(err: unknown, type: string): err is ApplicationFailure | ActivityFailure {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  return failure instanceof ApplicationFailure && failure.type === type;
}

/** Jira Cloud (activities/jira). */
export const JiraFailureType = {
  /** 401/403: wrong email or API token, or the account lacks the permission. Not retryable. */
  Auth: 'JiraAuth',
  /** 404: no such issue or project (or not visible to the account). Not retryable. */
  NotFound: 'JiraNotFound',
  /** 429: retryable, `nextRetryDelay` honours Retry-After. */
  RateLimited: 'JiraRateLimited',
  /** 5xx, timeouts, connection errors: retryable. */
  Unavailable: 'JiraUnavailable',
  /** Any other 4xx: Jira refused the request's content. Not retryable. */
  BadRequest: 'JiraBadRequest',
  /** JIRA_BASE_URL / JIRA_EMAIL / JIRA_API_TOKEN missing. Not retryable. */
  Config: 'JiraConfig',
} as const;

/** The innermost message of a failure chain: what went wrong, not "Activity task failed". */
export function causeMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** The `decide` update's validator: why a decision is refused, for the caller to tell apart. */
export const DecisionRefusalType = {
  /** The question was answered already; the details carry that answer (a RecordedDecision). */
  AlreadyAnswered: 'DecisionAlreadyAnswered',
  Refused: 'DecisionRefused',
} as const;
