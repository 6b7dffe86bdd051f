import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ActivityGroups } from '../activities';
import type { RunSettings } from './domain/run-status';
import { claudeTaskQueue } from './domain/task-queues';
import {
  ClaudeFailureType,
  CursorFailureType,
  DatadogFailureType,
  GitFailureType,
  GitHubFailureType,
  JiraFailureType,
  PagerDutyFailureType,
  SandboxFailureType,
  SlackFailureType,
} from './domain/failures';

const HOUR = 3_600_000;

/**
 * One stub per outside system, typed with that system's activities only, each with the timeouts
 * and retry policy its failures call for: the failure types retrying cannot help are named here.
 * Services that are only ever down for a while (Slack, GitHub, Cursor, Datadog, the git server)
 * are retried for as long as OUTAGE_TOLERANCE (default 24 h), backing off to OUTAGE_RETRY_MAX_INTERVAL:
 * an outage delays a run, it does not fail it, and whatever the run missed it catches up on.
 */
export function activityStubs(settings: RunSettings) {
  const outage = settings.outage ?? { toleranceMs: 24 * HOUR, maxRetryIntervalMs: 600_000 };
  const untilBack = (initialMs: number, nonRetryableErrorTypes: string[]): ActivityOptions['retry'] => ({
    initialInterval: Math.min(initialMs, outage.maxRetryIntervalMs),
    backoffCoefficient: 2,
    maximumInterval: outage.maxRetryIntervalMs,
    nonRetryableErrorTypes,
  });
  const rest = (nonRetryableErrorTypes: string[]): ActivityOptions => ({
    startToCloseTimeout: '1m',
    scheduleToCloseTimeout: outage.toleranceMs,
    retry: untilBack(2_000, nonRetryableErrorTypes),
  });

  return {
    slack: proxyActivities<ActivityGroups['slack']>({
      startToCloseTimeout: '30s',
      scheduleToCloseTimeout: outage.toleranceMs,
      retry: untilBack(1_000, [SlackFailureType.ConfigError]),
    }),

    // Log searches heartbeat after each page: a worker that dies mid-search is noticed in 30 s, not 2 min.
    datadog: proxyActivities<ActivityGroups['datadog']>({
      startToCloseTimeout: '2m',
      heartbeatTimeout: '30s',
      scheduleToCloseTimeout: outage.toleranceMs,
      retry: untilBack(2_000, [DatadogFailureType.Auth, DatadogFailureType.BadRequest]),
    }),

    git: proxyActivities<ActivityGroups['git']>({
      startToCloseTimeout: '15m',
      scheduleToCloseTimeout: outage.toleranceMs,
      heartbeatTimeout: '1m',
      retry: untilBack(5_000, [
        GitFailureType.Auth,
        GitFailureType.NotFound,
        GitFailureType.Config,
        GitFailureType.PatchDoesNotApply,
        GitFailureType.EmptyPatch,
        GitFailureType.ProtectedPaths,
      ]),
    }),

    /** Claude Code edits a fresh clone: a bounded run (CLAUDE_TIMEOUT), heartbeating while the CLI works, on its own queue. */
    claude: proxyActivities<ActivityGroups['claude']>({
      taskQueue: claudeTaskQueue(workflowInfo().taskQueue),
      startToCloseTimeout: settings.claudeTimeoutMs + 120_000,
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
    }),

    /** Whom to tell: the policy, CODEOWNERS from the git store, PagerDuty's Events API (retried through an outage). */
    escalation: proxyActivities<ActivityGroups['escalation']>(
      rest([
        GitFailureType.Auth,
        GitFailureType.NotFound,
        GitFailureType.Config,
        PagerDutyFailureType.InvalidEvent,
        PagerDutyFailureType.RequestRejected,
        PagerDutyFailureType.Config,
      ]),
    ),

    /** Jira is a side channel: a few minutes of retries, then the run notes it and goes on (it never waits on Jira). */
    jira: proxyActivities<ActivityGroups['jira']>({
      startToCloseTimeout: '30s',
      scheduleToCloseTimeout: '5m',
      retry: {
        initialInterval: '2s',
        backoffCoefficient: 2,
        maximumInterval: '1m',
        nonRetryableErrorTypes: [
          JiraFailureType.Auth,
          JiraFailureType.NotFound,
          JiraFailureType.BadRequest,
          JiraFailureType.Config,
        ],
      },
    }),

    /** The classifier: one short tool-less session on the Claude queue; a failed triage is retried, then fails the run. */
    triage: proxyActivities<ActivityGroups['triage']>({
      taskQueue: claudeTaskQueue(workflowInfo().taskQueue),
      startToCloseTimeout: '3m',
      retry: { initialInterval: '5s', maximumAttempts: 3, nonRetryableErrorTypes: [ClaudeFailureType.OverBudget] },
    }),

    /** The application's tests, three sandboxed runs, on the Claude queue where the sandbox is installed. */
    sandbox: proxyActivities<ActivityGroups['sandbox']>({
      taskQueue: claudeTaskQueue(workflowInfo().taskQueue),
      startToCloseTimeout: 3 * (settings.tests?.timeoutMs ?? 600_000) + 120_000,
      heartbeatTimeout: '30s',
      retry: {
        initialInterval: '5s',
        maximumAttempts: 3,
        nonRetryableErrorTypes: [
          SandboxFailureType.Unavailable,
          GitFailureType.Auth,
          GitFailureType.NotFound,
          GitFailureType.Config,
          GitFailureType.PatchDoesNotApply,
          GitFailureType.EmptyPatch,
        ],
      },
    }),

    github: proxyActivities<ActivityGroups['github']>(
      rest([
        GitHubFailureType.Auth,
        GitHubFailureType.NotFound,
        GitHubFailureType.Validation,
        GitHubFailureType.ConfigError,
      ]),
    ),

    cursor: proxyActivities<ActivityGroups['cursor']>(
      rest([CursorFailureType.Auth, CursorFailureType.BadRequest, CursorFailureType.Config]),
    ),

    temporal: proxyActivities<ActivityGroups['temporal']>({
      startToCloseTimeout: '30s',
      scheduleToCloseTimeout: outage.toleranceMs,
      retry: untilBack(1_000, []),
    }),
  };
}

export type ActivityStubs = ReturnType<typeof activityStubs>;

/**
 * The report digest's one activity: visibility reads and one Slack post, retried through a few
 * hours of Slack or Temporal trouble (a digest a little late beats none); a configuration problem
 * fails it at once.
 */
export function reportActivityStub() {
  return proxyActivities<ActivityGroups['report']>({
    startToCloseTimeout: '5m',
    scheduleToCloseTimeout: '6h',
    retry: {
      initialInterval: '5s',
      backoffCoefficient: 2,
      maximumInterval: '10m',
      nonRetryableErrorTypes: [SlackFailureType.ConfigError],
    },
  });
}
