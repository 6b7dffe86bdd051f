import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import type { RunStatus } from '../workflows/domain/run-status';
import type { FixSuggestion, SlackMessageRef } from '../workflows/domain/types';
import { logsLine, recurrenceSources } from '../workflows/domain/log-report';
import { createClaudeActivities, type FixRequest } from './claude';
import { createDatadogActivities } from './datadog';
import { fetchOccurrenceLogs, type FetchOccurrenceLogsInput } from './datadog/fetch-occurrence-logs';
import { createGitActivities } from './git';
import { createGitHubActivities } from './github';
import { createCursorActivities, type AgentInstructions } from './cursor';
import { selfTestActivities } from './self-test';
import { createSlackActivities, type SuggestionView } from './slack';
import { pastRejections } from './temporal/past-rejections';
import { currentActivity } from './activity-context';

/**
 * Every activity the worker registers, bound to the configuration. Each external system
 * keeps its own module; this file only composes them into the pipeline's vocabulary.
 */
export function createActivities(config: Config, deps: { client: Client; workRoot?: string }) {
  const datadog = createDatadogActivities(config.datadog);
  const git = createGitActivities(config.git, deps.workRoot ?? path.join(path.dirname(config.git.cacheDir), 'work'));
  const claude = createClaudeActivities(config.claude);
  const slack = createSlackActivities(config.slack);
  const github = createGitHubActivities(config.github);
  const cursor = createCursorActivities(config.cursor);

  return {
    ...selfTestActivities,
    fetchOccurrenceLogs: (input: FetchOccurrenceLogsInput) => fetchOccurrenceLogs(datadog.fetchErrorLogs, input),
    cloneRepository: git.cloneRepository,
    /**
     * A fresh checkout for every attempt, in a directory of its own: a retry after a crash never
     * sees a half-edited tree, even if the crashed attempt's CLI is still running somewhere.
     */
    async proposeFix(input: { runKey: string; baseCommit: string; request: Omit<FixRequest, 'repo'> }): Promise<FixSuggestion> {
      const checkout = await git.cloneRepository({ runKey: `${input.runKey}-attempt-${currentActivity()?.info.attempt ?? 1}` });
      try {
        return await claude.proposeFix({
          dir: checkout.dir,
          baseCommit: checkout.commit,
          request: { ...input.request, repo: { ...(config.git.repoUrl ? { url: config.git.repoUrl } : {}), branch: config.git.branch, commit: checkout.commit } },
        });
      } finally {
        // The diff is the result; the checkout is not needed again (the PR step clones afresh).
        await rm(checkout.dir, { recursive: true, force: true });
      }
    },
    postSuggestion: ({ status }: { status: RunStatus }) => slack.postSuggestion({ view: toSuggestionView(status) }),
    updateSuggestion: ({ ref, status }: { ref: SlackMessageRef; status: RunStatus }) => slack.updateSuggestion({ ref, view: toSuggestionView(status) }),
    replyInThread: slack.replyInThread,
    threadReplies: slack.threadReplies,
    pushFixBranch: git.pushFixBranch,
    pushRevertBranch: git.pushRevertBranch,
    openPullRequest: github.openPullRequest,
    findPullRequest: github.findPullRequest,
    getPullRequest: github.getPullRequest,
    listReviews: github.listReviews,
    findDeployment: github.findDeployment,
    /** Cursor gets the repository and where to report back from this worker's configuration. */
    launchFixAgent: ({ workflowId, ...input }: { workflowId: string; runKey: string; ref: string; branchName?: string; prompt: AgentInstructions }) =>
      cursor.launchFixAgent({
        ...input,
        repository: `${config.github.webUrl}/${config.github.repository ?? ''}`,
        ...(config.cursor.webhookSecret ? { webhookUrl: `${config.api.publicUrl}/webhooks/cursor?workflowId=${encodeURIComponent(workflowId)}` } : {}),
      }),
    getAgent: cursor.getAgent,
    pastRejections: (input: { workflowId: string; currentRunId: string }) => pastRejections(deps.client, input),
  };
}


export type PipelineActivities = ReturnType<typeof createActivities>;

export function toSuggestionView(s: RunStatus): SuggestionView {
  const at = s.timeline.at(-1)?.at ?? s.lastSeen;
  const state: SuggestionView['state'] =
    s.stage === 'expired' ? { kind: 'expired', at }
    : s.stage === 'failed' ? { kind: 'failed', reason: s.failure ?? 'unknown error' }
    : s.stage === 'awaiting-revert-approval' ? { kind: 'revert-awaiting', recurrences: s.verification?.recurrences ?? 0 }
    : s.stage === 'awaiting-retry' ? { kind: 'retry-awaiting', reason: s.notes.at(-1) ?? 'the pull request step failed' }
    : s.decision?.approved ? { kind: 'approved', by: s.decision.userName, at: s.decision.at }
    : s.decision ? { kind: 'rejected', by: s.decision.userName, at: s.decision.at, ...(s.decision.reason ? { reason: s.decision.reason } : {}) }
    : { kind: 'awaiting' };
  return {
    workflowId: s.workflowId,
    runId: s.runId,
    runUrl: s.runUrl,
    identity: s.identity,
    message: s.message,
    occurrences: s.occurrences,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    sampleUrls: s.samples.urls,
    sampleUserIds: s.samples.userIds,
    sampleTraceIds: s.samples.traceIds,
    ...(s.alert?.link ? { alertLink: s.alert.link } : {}),
    ...(s.logs ? { logsSummary: logsLine(s.logs) } : {}),
    ...(s.fix ? { fix: s.fix } : {}),
    notes: s.notes,
    progress: progressOf(s),
    state,
  };
}

/** What happened after approval, as short lines with links. */
function progressOf(s: RunStatus): NonNullable<SuggestionView['progress']> {
  const lines: NonNullable<SuggestionView['progress']> = [];
  const pr = s.pullRequest;
  if (pr) lines.push({ text: `Pull request #${pr.number} opened by ${pr.openedBy}${pr.requestedBy ? ` (asked by ${pr.requestedBy})` : ''}`, url: pr.url });
  if (s.review) lines.push({ text: `Reviewed by ${s.review.user ?? 'someone'}: ${s.review.state.toLowerCase()}` });
  if (pr?.mergedAt) lines.push({ text: `Merged by ${pr.mergedBy ?? 'someone'} (${pr.mergeCommitSha?.slice(0, 12) ?? ''})` });
  if (pr?.closedAt && !pr.mergedAt) lines.push({ text: `Closed without merge by ${pr.closedBy ?? 'someone'}` });
  if (s.deployment) lines.push({ text: `Deployed to ${s.deployment.environment}`, ...(s.deployment.url ? { url: s.deployment.url } : {}) });
  if (s.verification) {
    const sources = recurrenceSources(s.verification);
    const regressed = `Regressed: ${s.verification.recurrences} occurrence(s) after the deploy${sources ? ` (${sources})` : ''}`;
    lines.push({ text: s.verification.verdict === 'verified-fixed' ? 'Verified fixed: no recurrence after the deploy' : regressed });
  }
  if (s.revertPullRequest) lines.push({ text: `Revert pull request #${s.revertPullRequest.number}`, url: s.revertPullRequest.url });
  if (s.stage === 'stalled') lines.push({ text: 'Stalled: nothing happened within the configured wait' });
  return lines;
}
