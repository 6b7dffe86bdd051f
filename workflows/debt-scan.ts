/**
 * One scheduled technical-debt scan of one repository (`<prefix>-debt-scan-<repository>`, DEBT_SCAN_CRON):
 * fetch the branch, let Claude Code read it (read-only tools) for the top items, merge them with the previous
 * scan (same item, same id; items no longer found are resolved), relate them to production errors the
 * pipeline has seen in their files, and post one Slack digest whose "Fix this" buttons start fix runs. The
 * merged scan is the result, which the next scan reads: the history is the store.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ActivityGroups } from '../activities';
import { claudeTaskQueue } from './domain/task-queues';
import { ClaudeFailureType, GitFailureType, SlackFailureType } from './domain/failures';
import { MAX_TOP_N, mergeDebtScan, previousForPrompt, type DebtScan, type DebtScanInput } from './domain/debt';

const HOUR = 3_600_000;
const GIT_CONFIG_ERRORS = [GitFailureType.Auth, GitFailureType.NotFound, GitFailureType.Config];

export async function debtScanWorkflow(input: DebtScanInput): Promise<DebtScan> {
  const { workflowId, runId, taskQueue, startTime } = workflowInfo();
  // A scan waits out a short outage of git, Slack or Temporal's visibility, then gives up until next week.
  const retry = (nonRetryableErrorTypes: string[]) => ({
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes,
  });
  const { cloneRepository } = proxyActivities<ActivityGroups['git']>({
    startToCloseTimeout: '15m',
    heartbeatTimeout: '1m',
    scheduleToCloseTimeout: 6 * HOUR,
    retry: retry(GIT_CONFIG_ERRORS),
  });
  const { findDebt } = proxyActivities<ActivityGroups['debtScan']>({
    taskQueue: claudeTaskQueue(taskQueue),
    startToCloseTimeout: input.claudeTimeoutMs + 120_000,
    heartbeatTimeout: '30s',
    retry: {
      initialInterval: '5s',
      maximumAttempts: 3,
      nonRetryableErrorTypes: [...GIT_CONFIG_ERRORS, ClaudeFailureType.OverBudget],
    },
  });
  const { previousDebtScan, debtErrorRuns } = proxyActivities<ActivityGroups['temporal']>({
    startToCloseTimeout: '2m',
    scheduleToCloseTimeout: 6 * HOUR,
    retry: retry([]),
  });
  const { postDebtDigest } = proxyActivities<ActivityGroups['slack']>({
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: 6 * HOUR,
    retry: retry([SlackFailureType.ConfigError]),
  });

  const topN = Math.max(1, Math.min(MAX_TOP_N, input.topN));
  const scannedAt = startTime.toISOString();
  // The branch first: a git outage or a wrong URL fails here, under the git retry policy, before Claude is paid.
  await cloneRepository({ runKey: workflowId, repository: input.repository });
  const previous = await previousDebtScan({ repository: input.repository, workflowId });
  const found = await findDebt({
    runKey: workflowId,
    repository: input.repository,
    topN,
    previous: previousForPrompt(previous),
  });
  const merged = mergeDebtScan(previous, found.items, scannedAt);
  const related = await debtErrorRuns({
    service: input.repository,
    files: [...new Set(merged.items.map((i) => i.file))],
    now: scannedAt,
  });
  const scan: DebtScan = {
    repository: input.repository,
    commit: found.commit,
    scannedAt,
    workflowId,
    items: merged.items.map((i) => (related[i.file]?.length ? { ...i, relatedErrors: related[i.file] } : i)),
    resolved: merged.resolved,
    costUsd: found.costUsd,
  };
  scan.slack = await postDebtDigest({ scan, runId });
  return scan;
}
