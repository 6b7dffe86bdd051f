import type { Octokit } from '@octokit/rest';
import type { RepoRef } from './pull-requests';

export type DeploymentState =
  'success' | 'failure' | 'error' | 'pending' | 'in_progress' | 'queued' | 'inactive' | 'none';

export interface DeploymentInfo {
  id: number;
  sha: string;
  environment: string;
  /** The newest status; `none` while the deployment has none yet. */
  state: DeploymentState;
  /** The deployed environment's URL, else the status's log or target URL. */
  url?: string;
  /** When the newest status was reported (or the deployment created, without one). */
  at?: string;
}

const STATES = new Set<string>(['success', 'failure', 'error', 'pending', 'in_progress', 'queued', 'inactive']);
const newest = <T extends { id: number; created_at: string }>(items: T[]): T | undefined =>
  [...items].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)[0];

/**
 * The newest deployment to `environment` that contains `sha` (the merge commit itself, or a
 * later commit that has it: deploys often ship several merges at once) and its newest status;
 * undefined when nothing deployed contains it yet.
 */
export async function findDeployment(
  octokit: Octokit,
  input: RepoRef & { sha: string; environment: string },
): Promise<DeploymentInfo | undefined> {
  const { owner, repo, sha, environment } = input;
  const { data: deployments } = await octokit.repos.listDeployments({ owner, repo, environment, per_page: 20 });
  const byAge = [...deployments].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  let deployment = byAge.find((d) => d.sha === sha);
  for (const d of byAge) {
    if (deployment && Date.parse(d.created_at) <= Date.parse(deployment.created_at)) break;
    if (d.sha === sha) continue;
    const { data: compare } = await octokit.repos.compareCommits({ owner, repo, base: sha, head: d.sha });
    if (compare.status === 'ahead' || compare.status === 'identical') {
      deployment = d;
      break;
    }
  }
  if (!deployment) return undefined;
  return withNewestStatus(octokit, { owner, repo }, deployment);
}

/** One deployment, by the id `createDeployment` returned, with its newest status. */
export async function getDeployment(octokit: Octokit, input: RepoRef & { id: number }): Promise<DeploymentInfo> {
  const { data } = await octokit.repos.getDeployment({ owner: input.owner, repo: input.repo, deployment_id: input.id });
  return withNewestStatus(octokit, input, data);
}

/** Where a deployment the pipeline asked for carries its key (GitHub keeps a deployment's payload as given). */
const KEY_FIELD = 'bugfix_request';

/**
 * Asks for a deployment of `sha` (a rollback to the commit before a fix): GitHub records it, the
 * deployment system configured for the repository carries it out and reports its statuses.
 * `auto_merge: false` and no required contexts: the point is exactly this commit, as it is.
 * GitHub has no idempotency key for this call, so `key` goes in the deployment's payload and a
 * retry (the worker died before the answer) finds the deployment it already asked for.
 */
export async function createDeployment(
  octokit: Octokit,
  input: RepoRef & { sha: string; environment: string; description: string; key?: string },
): Promise<{ id: number; sha: string }> {
  const { owner, repo, sha, environment, key } = input;
  if (key) {
    const { data: earlier } = await octokit.repos.listDeployments({ owner, repo, sha, environment, per_page: 100 });
    const same = earlier.find((d) => payloadKey(d.payload) === key);
    if (same) return { id: same.id, sha: same.sha };
  }
  const { data } = await octokit.repos.createDeployment({
    owner,
    repo,
    ref: sha,
    environment,
    description: input.description.slice(0, 140),
    auto_merge: false,
    required_contexts: [],
    ...(key ? { payload: { [KEY_FIELD]: key } } : {}),
  });
  // A 202 "merged branch" answer has no id: only possible with auto_merge, which this never asks for.
  if (!('id' in data)) throw new Error(`GitHub did not create the deployment: ${data.message ?? 'no id'}`);
  return { id: data.id, sha: data.sha };
}

/** The key in a deployment's payload: an object, or the JSON text of one (both are GitHub's). */
function payloadKey(payload: unknown): string | undefined {
  let p = payload;
  if (typeof p === 'string')
    try {
      p = JSON.parse(p) as unknown;
    } catch {
      return undefined;
    }
  const v = p && typeof p === 'object' ? (p as Record<string, unknown>)[KEY_FIELD] : undefined;
  return typeof v === 'string' ? v : undefined;
}

async function withNewestStatus(
  octokit: Octokit,
  { owner, repo }: RepoRef,
  deployment: { id: number; sha: string; environment: string; created_at: string },
): Promise<DeploymentInfo> {
  const { data: statuses } = await octokit.repos.listDeploymentStatuses({
    owner,
    repo,
    deployment_id: deployment.id,
    per_page: 30,
  });
  const status = newest(statuses);
  const url = status?.environment_url || status?.log_url || status?.target_url || undefined;
  return {
    id: deployment.id,
    sha: deployment.sha,
    environment: deployment.environment,
    state: status && STATES.has(status.state) ? (status.state as DeploymentState) : 'none',
    ...(url ? { url } : {}),
    at: status?.created_at ?? deployment.created_at,
  };
}
