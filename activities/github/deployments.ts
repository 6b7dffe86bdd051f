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
