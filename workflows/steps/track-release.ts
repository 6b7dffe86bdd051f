import { patched } from '@temporalio/workflow';
import type { RunState } from '../run-state';
import type { DeploymentRef } from '../domain/types';
import { github, slack } from '../activity-stubs';
import { pollUntil } from '../poll';

/** Follows the fix's pull request to merged or closed; records the first review when it arrives. */
export async function waitForMerge(state: RunState): Promise<'merged' | 'closed' | 'stalled'> {
  const pr = state.pullRequest!;
  const recordReview = async () => {
    if (state.review) return;
    const review = (await github.listReviews({ number: pr.number })).find((r) => r.body.trim() || r.state !== 'COMMENTED');
    if (!review) return;
    state.review = { state: review.state, body: review.body, ...(review.user ? { user: review.user } : {}), ...(review.submittedAt ? { submittedAt: review.submittedAt } : {}) };
    await slack.replyInThread({ ref: state.slack!, text: `Review by ${review.user ?? 'someone'} (${review.state.toLowerCase()}): ${review.body.slice(0, 1500)}`, dedupeKey: `review-${pr.number}` });
  };
  const outcome = await pollUntil(state, state.settings.prWaitTimeoutMs, async () => {
    // Reviews are read after the PR's state, so one submitted before a merge is never missed.
    // Runs that started before this change keep the old order (replay safety).
    const reviewsAfterState = patched('reviews-after-pr-state');
    if (!reviewsAfterState) await recordReview();
    const info = await github.getPullRequest({ number: pr.number });
    if (reviewsAfterState) await recordReview();
    if (info.merged) {
      Object.assign(pr, { mergedAt: info.mergedAt, mergedBy: info.mergedBy, mergeCommitSha: info.mergeCommitSha });
      return 'merged' as const;
    }
    if (info.state === 'closed') {
      Object.assign(pr, { closedAt: info.closedAt, closedBy: info.closedBy });
      return 'closed' as const;
    }
    return undefined;
  });
  return outcome ?? 'stalled';
}

/** Waits for a successful deployment of the merge commit to DEPLOY_ENVIRONMENT. */
export async function waitForDeployment(state: RunState): Promise<DeploymentRef | undefined> {
  const sha = state.pullRequest!.mergeCommitSha!;
  const environment = state.settings.deployEnvironment;
  let reportedFailure = false;
  return pollUntil(state, state.settings.deployTimeoutMs, async () => {
    const d = await github.findDeployment({ sha, environment });
    if (d && (d.state === 'failure' || d.state === 'error') && !reportedFailure) {
      reportedFailure = true;
      await slack.replyInThread({ ref: state.slack!, text: `Deployment ${d.id} of ${sha.slice(0, 12)} to ${environment} ended in ${d.state}; still waiting for a successful one.`, dedupeKey: `deploy-failed-${d.id}` });
    }
    return d && d.state === 'success' ? { id: d.id, environment, sha, at: d.at ?? new Date().toISOString(), ...(d.url ? { url: d.url } : {}) } : undefined;
  });
}
