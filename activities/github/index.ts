import type { Config } from '../../infra/platform/config/load-config';
import { createOctokit, githubCall, repoOf } from './client';
import { createDeployment, findDeployment, getDeployment, type DeploymentInfo } from './deployments';
import {
  findPullRequest,
  getPullRequest,
  mergePullRequest,
  openPullRequest,
  type PullRequestInfo,
} from './pull-requests';
import { listReviews, type ReviewInfo } from './reviews';
import { activitySignal } from '../activity-context';
import { comparePullRequest } from './compare-pull-request';
import type { PullRequestCheck } from '../../workflows/domain/types';
import { protectedPathMatcher, type ProtectedPathMatcher } from '../git/protected-paths';

export { createOctokit, repoOf, toGitHubFailure } from './client';
export type { PullRequestInfo } from './pull-requests';
export type { ReviewInfo } from './reviews';
export type { DeploymentInfo, DeploymentState } from './deployments';

/**
 * The GitHub activities, on `GITHUB_REPOSITORY`. Configuration problems (no token, no
 * repository) surface as a non-retryable GitHubConfigError when an activity runs, so a
 * worker without GitHub still starts.
 */
export function createGitHubActivities(
  config: Config['github'],
  isProtected: ProtectedPathMatcher = protectedPathMatcher(),
) {
  // One client per call: each carries that activity's cancellation signal.
  const call = <T>(
    what: string,
    fn: (octokit: ReturnType<typeof createOctokit>, repo: { owner: string; repo: string }) => Promise<T>,
  ) => githubCall(what, () => fn(createOctokit(config, activitySignal()), repoOf(config)));

  return {
    async openPullRequest(input: {
      head: string;
      base: string;
      title: string;
      body: string;
      marker: string;
    }): Promise<PullRequestInfo & { created: boolean }> {
      return call(`open pull request from ${input.head}`, (gh, repo) => openPullRequest(gh, { ...repo, ...input }));
    },
    async findPullRequest(input: {
      marker?: string;
      headPrefix?: string;
      since?: string;
    }): Promise<PullRequestInfo | undefined> {
      return call('find pull request', (gh, repo) => findPullRequest(gh, { ...repo, ...input }));
    },
    async getPullRequest(input: { number: number }): Promise<PullRequestInfo> {
      return call(`get pull request #${input.number}`, (gh, repo) => getPullRequest(gh, { ...repo, ...input }));
    },
    /** How a pull request opened by someone else differs from the approved diff (nothing, for an exact match). */
    async comparePullRequest(input: { number: number; approvedDiff: string }): Promise<PullRequestCheck> {
      return call(`compare pull request #${input.number} with the approved fix`, (gh, repo) =>
        comparePullRequest(gh, { ...repo, ...input, isProtected }),
      );
    },
    async listReviews(input: { number: number }): Promise<ReviewInfo[]> {
      return call(`list reviews of #${input.number}`, (gh, repo) => listReviews(gh, { ...repo, ...input }));
    },
    async findDeployment(input: { sha: string; environment?: string }): Promise<DeploymentInfo | undefined> {
      const environment = input.environment ?? config.deployEnvironment;
      return call(`find ${environment} deployment of ${input.sha.slice(0, 12)}`, (gh, repo) =>
        findDeployment(gh, { ...repo, sha: input.sha, environment }),
      );
    },
    async mergePullRequest(input: { number: number; sha?: string; commitTitle: string }) {
      return call(`merge pull request #${input.number}`, (gh, repo) => mergePullRequest(gh, { ...repo, ...input }));
    },
    async createDeployment(input: { sha: string; environment?: string; description: string; key?: string }) {
      const environment = input.environment ?? config.deployEnvironment;
      return call(`deploy ${input.sha.slice(0, 12)} to ${environment}`, (gh, repo) =>
        createDeployment(gh, { ...repo, ...input, environment }),
      );
    },
    async getDeployment(input: { id: number }): Promise<DeploymentInfo> {
      return call(`get deployment ${input.id}`, (gh, repo) => getDeployment(gh, { ...repo, ...input }));
    },
  };
}

export type GitHubActivities = ReturnType<typeof createGitHubActivities>;
