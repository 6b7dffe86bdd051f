import type { Octokit } from '@octokit/rest';
import type { RepoRef } from './pull-requests';

export interface ReviewInfo {
  id: number;
  user?: string;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING. */
  state: string;
  body: string;
  submittedAt?: string;
}

type PullRef = RepoRef & { number: number };

/** Every review of the pull request, oldest first. */
export async function listReviews(octokit: Octokit, input: PullRef): Promise<ReviewInfo[]> {
  const { owner, repo, number } = input;
  const reviews = await octokit.paginate(octokit.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100 });
  return reviews.map((r) => ({
    id: r.id,
    ...(r.user?.login ? { user: r.user.login } : {}),
    state: r.state,
    body: r.body ?? '',
    ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}),
  }));
}

export interface CreateReviewInput extends PullRef {
  body: string;
  /** Only comments: the pipeline never approves or blocks a pull request on its own. */
  event: 'COMMENT';
  /** A line that identifies this review; a review already carrying it is not posted again. */
  marker: string;
}

/** Posts a review comment once, even when the activity is retried after a lost answer. */
export async function createReview(octokit: Octokit, input: CreateReviewInput): Promise<ReviewInfo & { created: boolean }> {
  const existing = (await listReviews(octokit, input)).find((r) => r.body.includes(input.marker));
  if (existing) return { ...existing, created: false };
  const { owner, repo, number, marker } = input;
  const body = input.body.includes(marker) ? input.body : `${input.body.trimEnd()}\n\n${marker}\n`;
  const { data } = await octokit.pulls.createReview({ owner, repo, pull_number: number, body, event: input.event });
  return {
    id: data.id,
    ...(data.user?.login ? { user: data.user.login } : {}),
    state: data.state,
    body: data.body,
    ...(data.submitted_at ? { submittedAt: data.submitted_at } : {}),
    created: true,
  };
}
