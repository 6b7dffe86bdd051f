import type { RunStatus } from '../../workflows/domain/run-status';
import { logsLine, recurrenceSources } from '../../workflows/domain/log-report';
import type { SuggestionView } from './suggestion-blocks';

/** What the approval message shows of a run's status. */
export function toSuggestionView(s: RunStatus): SuggestionView {
  const at = s.timeline.at(-1)?.at ?? s.lastSeen;
  const state: SuggestionView['state'] =
    s.stage === 'escalated'
      ? { kind: 'escalated', category: s.decision?.correction?.category ?? s.triage?.category ?? 'not code' }
      : s.stage === 'refused'
        ? { kind: 'refused' }
        : s.stage === 'expired'
          ? { kind: 'expired', at }
          : s.stage === 'failed'
            ? { kind: 'failed', reason: s.failure ?? 'unknown error' }
            : s.stage === 'awaiting-revert-approval'
              ? {
                  kind: 'revert-awaiting',
                  recurrences: s.verification?.recurrences ?? 0,
                  ...(s.causedErrors ? { causedErrors: s.causedErrors.length } : {}),
                }
              : s.stage === 'reverting' || s.stage === 'verifying-revert'
                ? { kind: 'rolling-back', verifying: s.stage === 'verifying-revert' }
                : s.stage === 'awaiting-pr-approval'
                  ? { kind: 'adopt-awaiting', differences: s.pullRequestCheck?.differences.length ?? 0 }
                  : s.stage === 'awaiting-retry'
                    ? { kind: 'retry-awaiting', reason: s.notes.at(-1) ?? 'the pull request step failed' }
                    : s.decision?.approved
                      ? { kind: 'approved', by: s.decision.userName, at: s.decision.at }
                      : s.decision
                        ? {
                            kind: 'rejected',
                            by: s.decision.userName,
                            at: s.decision.at,
                            ...(s.decision.reason ? { reason: s.decision.reason } : {}),
                          }
                        : { kind: 'awaiting' };
  return {
    workflowId: s.workflowId,
    // One message per attempt: a reset or continue-as-new (same first run) finds the message it posted.
    runId: s.firstRunId ?? s.runId,
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
    ...(s.triage ? { triage: s.triage } : {}),
    ...(s.related?.length ? { related: s.related.length } : {}),
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
  if (pr)
    lines.push({
      text: `Pull request #${pr.number} opened by ${pr.openedBy}${pr.requestedBy ? ` (asked by ${pr.requestedBy})` : ''}`,
      url: pr.url,
    });
  if (s.review) lines.push({ text: `Reviewed by ${s.review.user ?? 'someone'}: ${s.review.state.toLowerCase()}` });
  if (pr?.mergedAt)
    lines.push({ text: `Merged by ${pr.mergedBy ?? 'someone'} (${pr.mergeCommitSha?.slice(0, 12) ?? ''})` });
  if (pr?.closedAt && !pr.mergedAt) lines.push({ text: `Closed without merge by ${pr.closedBy ?? 'someone'}` });
  if (s.deployment)
    lines.push({
      text: `Deployed to ${s.deployment.environment}`,
      ...(s.deployment.url ? { url: s.deployment.url } : {}),
    });
  if (s.verification) {
    const sources = recurrenceSources(s.verification);
    const regressed = `Regressed: ${s.verification.recurrences} occurrence(s) after the deploy${sources ? ` (${sources})` : ''}`;
    lines.push({
      text: s.verification.verdict === 'verified-fixed' ? 'Verified fixed: no recurrence after the deploy' : regressed,
    });
  }
  if (s.revertPullRequest)
    lines.push({ text: `Revert pull request #${s.revertPullRequest.number}`, url: s.revertPullRequest.url });
  if (s.stage === 'stalled') lines.push({ text: 'Stalled: nothing happened within the configured wait' });
  return lines;
}
