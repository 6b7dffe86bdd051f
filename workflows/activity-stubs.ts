import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { claudeTaskQueue } from './domain/task-queues';
import type { ActivityGroups } from '../activities';
import {
  ClaudeFailureType,
  CursorFailureType,
  DatadogFailureType,
  GitFailureType,
  GitHubFailureType,
  SlackFailureType,
} from './domain/failures';

/**
 * One stub per outside system, typed with that system's activities only, each with the timeouts
 * and retry policy its failures call for: the failure types retrying cannot help are named here.
 */

export const slack = proxyActivities<ActivityGroups['slack']>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [SlackFailureType.ConfigError],
  },
});

export const datadog = proxyActivities<ActivityGroups['datadog']>({
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [DatadogFailureType.Auth, DatadogFailureType.BadRequest],
  },
});

export const git = proxyActivities<ActivityGroups['git']>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: {
    initialInterval: '5s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [
      GitFailureType.Auth,
      GitFailureType.NotFound,
      GitFailureType.Config,
      GitFailureType.PatchDoesNotApply,
      GitFailureType.EmptyPatch,
      GitFailureType.ProtectedPaths,
    ],
  },
});

/** Claude Code edits a fresh clone: a bounded run (CLAUDE_TIMEOUT), heartbeating while the CLI works, on its own queue. */
export function claudeStub(claudeTimeoutMs: number) {
  return proxyActivities<ActivityGroups['claude']>({
    taskQueue: claudeTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: claudeTimeoutMs + 120_000,
    heartbeatTimeout: '30s',
    retry: {
      initialInterval: '5s',
      maximumAttempts: 3,
      nonRetryableErrorTypes: [
        GitFailureType.Auth,
        GitFailureType.NotFound,
        GitFailureType.Config,
        ClaudeFailureType.WorkingTreeMismatch,
        ClaudeFailureType.OverBudget,
      ],
    },
  });
}

/** GitHub and Cursor: REST APIs with rate limits, retried for minutes on a doubling backoff. */
const restApi = (nonRetryableErrorTypes: string[]) => ({
  startToCloseTimeout: '1m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 10,
    nonRetryableErrorTypes,
  },
});

export const github = proxyActivities<ActivityGroups['github']>(
  restApi([
    GitHubFailureType.Auth,
    GitHubFailureType.NotFound,
    GitHubFailureType.Validation,
    GitHubFailureType.ConfigError,
  ]),
);

export const cursor = proxyActivities<ActivityGroups['cursor']>(
  restApi([CursorFailureType.Auth, CursorFailureType.BadRequest, CursorFailureType.Config]),
);

export const temporal = proxyActivities<ActivityGroups['temporal']>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5 },
});
