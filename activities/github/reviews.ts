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
  const reviews = await octokit.paginate(octokit.pulls.listReviews, {
    owner,
    repo,
    pull_number: number,
    per_page: 100,
  });
  return reviews.map((r) => ({
    id: r.id,
    ...(r.user?.login ? { user: r.user.login } : {}),
    state: r.state,
    body: r.body ?? '',
    ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}),
  }));
}
