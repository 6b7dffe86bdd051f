import type { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import { GitHubFailureType } from '../../workflows/domain/failures';
import { workflowIdFromMarker } from '../../workflows/domain/github-text';

export interface RepoRef {
  owner: string;
  repo: string;
}

/** A pull request as the workflow tracks it. */
export interface PullRequestInfo {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt?: string;
  mergedBy?: string;
  closedAt?: string;
  /** Who closed it without merging (from the issue events); only set for that case. */
  closedBy?: string;
  /** Only when merged: for an open pull request GitHub reports its test-merge commit here. */
  mergeCommitSha?: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  author?: string;
  createdAt: string;
}

/** The fields shared by the list and the single-item answers of the pulls API. */
interface PullData {
  number: number;
  html_url: string;
  state: string;
  merged_at: string | null;
  closed_at: string | null;
  created_at: string;
  merge_commit_sha: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  user: { login: string } | null;
  merged?: boolean;
  merged_by?: { login: string } | null;
}

export function toPullRequestInfo(pr: PullData): PullRequestInfo {
  const merged = pr.merged ?? pr.merged_at !== null;
  return {
    number: pr.number,
    url: pr.html_url,
    state: pr.state === 'open' ? 'open' : 'closed',
    merged,
    ...(pr.merged_at ? { mergedAt: pr.merged_at } : {}),
    ...(pr.merged_by?.login ? { mergedBy: pr.merged_by.login } : {}),
    ...(pr.closed_at ? { closedAt: pr.closed_at } : {}),
    ...(merged && pr.merge_commit_sha ? { mergeCommitSha: pr.merge_commit_sha } : {}),
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    ...(pr.user?.login ? { author: pr.user.login } : {}),
    createdAt: pr.created_at,
  };
}

export interface OpenPullRequestInput extends RepoRef {
  /** Branch name in the same repository (or `owner:branch`). */
  head: string;
  base: string;
  title: string;
  body: string;
  /** A line such as `Bugfix-Run: <workflow id>` that ties the pull request to its run. */
  marker: string;
}

/** The marker ends the body: only a body's last marker line counts, so text quoted above it cannot claim the pull request. */
function withMarker(body: string, marker: string): string {
  return sameRun(body, marker) ? body : `${body.trimEnd()}\n\n${marker}\n`;
}

function sameRun(body: string | null | undefined, marker: string): boolean {
  const id = workflowIdFromMarker(marker);
  return id !== undefined && workflowIdFromMarker(body) === id;
}

/**
 * Opens the pull request unless one already exists for the head branch. Looking up
 * first makes a retried activity (whose first answer was lost) find the pull
 * request it already opened instead of failing or opening a second one.
 */
export async function openPullRequest(
  octokit: Octokit,
  input: OpenPullRequestInput,
): Promise<PullRequestInfo & { created: boolean }> {
  const { owner, repo } = input;
  const head = input.head.includes(':') ? input.head : `${owner}:${input.head}`;
  const existing = async () => {
    const { data } = await octokit.pulls.list({ owner, repo, head, state: 'all', per_page: 100 });
    const pr = data.find((p) => p.state === 'open') ?? data[0];
    return pr && { ...toPullRequestInfo(pr), created: false };
  };
  const found = await existing();
  if (found) return found;
  try {
    const { data } = await octokit.pulls.create({
      owner,
      repo,
      head: input.head,
      base: input.base,
      title: input.title,
      body: withMarker(input.body, input.marker),
    });
    return { ...toPullRequestInfo(data), created: true };
  } catch (err) {
    // Another attempt won the race between our look-up and create.
    if ((err as { status?: number }).status === 422 && /already exists/i.test(String((err as Error).message))) {
      const raced = await existing();
      if (raced) return raced;
    }
    throw err;
  }
}

export interface FindPullRequestInput extends RepoRef {
  /** Matches a pull request whose body contains it. */
  marker?: string;
  /** Matches a pull request whose head branch starts with it, e.g. `cursor/`. */
  headPrefix?: string;
  /** ISO-8601: ignore pull requests created before. */
  since?: string;
  /** Pages of 50 to look through, newest first. */
  maxPages?: number;
}

/**
 * Finds the pull request someone else (Cursor, a person) opened for a run. A body with
 * the marker is certain and wins; a branch with the prefix is the newest such candidate.
 */
export async function findPullRequest(
  octokit: Octokit,
  input: FindPullRequestInput,
): Promise<PullRequestInfo | undefined> {
  const { owner, repo, marker, headPrefix } = input;
  if (!marker && !headPrefix)
    throw ApplicationFailure.create({
      type: GitHubFailureType.RequestRejected,
      message: 'findPullRequest needs a marker or a headPrefix',
      nonRetryable: true,
    });
  // GitHub's created_at has whole seconds: a pull request opened in the same second as `since` counts.
  const since = input.since ? Math.floor(Date.parse(input.since) / 1000) * 1000 : -Infinity;
  let byPrefix: PullRequestInfo | undefined;
  for (let page = 1; page <= (input.maxPages ?? 2); page++) {
    const { data } = await octokit.pulls.list({
      owner,
      repo,
      state: 'all',
      sort: 'created',
      direction: 'desc',
      per_page: 50,
      page,
    });
    for (const pr of data) {
      // Newest first: everything from here on is older than `since`.
      if (Date.parse(pr.created_at) < since) return byPrefix;
      if (marker && sameRun(pr.body, marker)) return toPullRequestInfo(pr);
      if (headPrefix && !byPrefix && pr.head.ref.startsWith(headPrefix)) byPrefix = toPullRequestInfo(pr);
    }
    if (data.length < 50) break;
  }
  return byPrefix;
}

/** The pull request's state; for one closed without merging, also who closed it. */
export async function getPullRequest(octokit: Octokit, input: RepoRef & { number: number }): Promise<PullRequestInfo> {
  const { owner, repo, number } = input;
  const { data } = await octokit.pulls.get({ owner, repo, pull_number: number });
  const info = toPullRequestInfo(data);
  if (info.state === 'closed' && !info.merged) {
    const events = await octokit.paginate(octokit.issues.listEvents, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
    });
    // Oldest first; after a reopen the last close is the one that counts.
    const closed = events.filter((e) => e.event === 'closed').at(-1);
    if (closed?.actor?.login) info.closedBy = closed.actor.login;
  }
  return info;
}

/**
 * Merges a pull request (an automatic rollback's revert, when ROLLBACK_MERGE is on), only at the
 * head the pipeline pushed: a branch someone changed meanwhile is not merged blind (409).
 */
export async function mergePullRequest(
  octokit: Octokit,
  input: RepoRef & { number: number; sha?: string; commitTitle: string },
): Promise<{ mergeCommitSha: string }> {
  const { data } = await octokit.pulls.merge({
    owner: input.owner,
    repo: input.repo,
    pull_number: input.number,
    commit_title: input.commitTitle.slice(0, 250),
    merge_method: 'merge',
    ...(input.sha ? { sha: input.sha } : {}),
  });
  return { mergeCommitSha: data.sha };
}
