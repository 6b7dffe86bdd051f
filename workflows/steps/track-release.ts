import { patched } from '@temporalio/workflow';
import type { Run } from '../run-state';
import type { DeploymentRef, PullRequestRef, ReviewRef } from '../domain/types';
import { pollUntil } from '../poll';
import { escapeText } from '../domain/slack-text';

export interface MergeOutcome {
  outcome: 'merged' | 'closed' | 'stalled';
  /** The pull request with what merging or closing it recorded (who, when, the merge commit). */
  pullRequest: PullRequestRef;
}

/**
 * Follows the fix's pull request to merged or closed. The first review is announced in the thread
 * and handed to `onReview` when it arrives, so the run shows it while the wait goes on.
 */
export async function waitForMerge(
  run: Run,
  onReview: (review: ReviewRef) => void,
  of: PullRequestRef = run.record.pullRequest!,
): Promise<MergeOutcome> {
  const { github, slack } = run.act;
  let pr = of;
  let review = run.record.review;
  const recordReview = async () => {
    if (review) return;
    const found = (await github.listReviews({ number: pr.number })).find(
      (r) => r.body.trim() || r.state !== 'COMMENTED',
    );
    if (!found) return;
    review = {
      state: found.state,
      body: found.body,
      ...(found.user ? { user: found.user } : {}),
      ...(found.submittedAt ? { submittedAt: found.submittedAt } : {}),
    };
    onReview(review);
    await slack.replyInThread({
      ref: run.record.slack!,
      text: `Review by ${escapeText(found.user ?? 'someone')} (${found.state.toLowerCase()}): ${escapeText(found.body.slice(0, 1500))}`,
      dedupeKey: `review-${pr.number}`,
    });
  };
  const outcome = await pollUntil(run, run.settings.prWaitTimeoutMs, async () => {
    // Reviews are read after the PR's state, so one submitted before a merge is never missed.
    // Runs that started before this change keep the old order (replay safety).
    const reviewsAfterState = patched('reviews-after-pr-state');
    if (!reviewsAfterState) await recordReview();
    const info = await github.getPullRequest({ number: pr.number });
    if (reviewsAfterState) await recordReview();
    if (info.merged) {
      // The activity leaves out what GitHub does not know, so these are values or absent.
      pr = { ...pr, mergedAt: info.mergedAt, mergedBy: info.mergedBy, mergeCommitSha: info.mergeCommitSha };
      return 'merged' as const;
    }
    if (info.state === 'closed') {
      pr = { ...pr, closedAt: info.closedAt, closedBy: info.closedBy };
      return 'closed' as const;
    }
    return undefined;
  });
  return { outcome: outcome ?? 'stalled', pullRequest: pr };
}

/** Waits for a successful deployment of the merge commit (or `sha`) to DEPLOY_ENVIRONMENT. */
export async function waitForDeployment(
  run: Run,
  sha = run.record.pullRequest!.mergeCommitSha!,
): Promise<DeploymentRef | undefined> {
  const { github, slack } = run.act;
  const environment = run.settings.deployEnvironment;
  let reportedFailure = false;
  return pollUntil(run, run.settings.deployTimeoutMs, async () => {
    const d = await github.findDeployment({ sha, environment });
    if (d && (d.state === 'failure' || d.state === 'error') && !reportedFailure) {
      reportedFailure = true;
      await slack.replyInThread({
        ref: run.record.slack!,
        text: `Deployment ${d.id} of ${sha.slice(0, 12)} to ${environment} ended in ${d.state}; still waiting for a successful one.`,
        dedupeKey: `deploy-failed-${d.id}`,
      });
    }
    return d && d.state === 'success'
      ? { id: d.id, environment, sha, at: d.at ?? new Date().toISOString(), ...(d.url ? { url: d.url } : {}) }
      : undefined;
  });
}
