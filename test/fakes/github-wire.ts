import { createHmac, randomUUID } from 'node:crypto';

/**
 * GitHub's JSON as it goes over the wire, for the GitHub fake: REST answers built from the
 * fake's records, webhook payloads built from those answers, and a signed webhook sender.
 */

export type DeploymentStatusState = 'success' | 'failure' | 'error' | 'pending' | 'in_progress' | 'queued' | 'inactive';
export type WebhookEvent = 'pull_request' | 'pull_request_review' | 'deployment_status';

export interface PullRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: string;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  merged_by: string | null;
  merge_commit_sha: string | null;
  events: { id: number; event: string; actor: string; created_at: string }[];
  reviews: { id: number; user: string; body: string; state: string; submitted_at: string; commit_id: string }[];
}
export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
  creator: string;
  description?: string;
  /** As the creator sent it (an object or JSON text); `{}` when none. */
  payload?: unknown;
  statuses: {
    id: number;
    state: DeploymentStatusState;
    created_at: string;
    environment_url: string;
    log_url: string;
  }[];
}

/** GitHub timestamps have second resolution. */
export const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
export const userJson = (login: string) => ({
  login,
  id: [...login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7),
  type: login.endsWith('[bot]') ? 'Bot' : 'User',
});

/** The REST representations, for the repository `owner/repo` served at `apiUrl`. */
export function restShapes(apiUrl: string, owner: string, repo: string) {
  const api = `${apiUrl}/repos/${owner}/${repo}`;
  const html = `https://github.com/${owner}/${repo}`;
  const repositoryJson = () => ({
    id: 1,
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: userJson(owner),
    private: true,
    html_url: html,
    url: api,
    default_branch: 'main',
  });
  return {
    repositoryJson,
    pullJson: (pr: PullRecord) => ({
      url: `${api}/pulls/${pr.number}`,
      id: pr.number * 7919,
      number: pr.number,
      html_url: `${html}/pull/${pr.number}`,
      state: pr.state,
      title: pr.title,
      body: pr.body,
      user: userJson(pr.user),
      draft: false,
      locked: false,
      created_at: pr.created_at,
      updated_at: pr.updated_at,
      closed_at: pr.closed_at,
      merged_at: pr.merged_at,
      merge_commit_sha: pr.merge_commit_sha,
      merged: pr.merged_at !== null,
      merged_by: pr.merged_by ? userJson(pr.merged_by) : null,
      mergeable: pr.state === 'open' ? true : null,
      head: {
        label: `${owner}:${pr.head.ref}`,
        ref: pr.head.ref,
        sha: pr.head.sha,
        user: userJson(owner),
        repo: repositoryJson(),
      },
      base: {
        label: `${owner}:${pr.base.ref}`,
        ref: pr.base.ref,
        sha: pr.base.sha,
        user: userJson(owner),
        repo: repositoryJson(),
      },
    }),
    reviewJson: (pr: PullRecord, r: PullRecord['reviews'][number]) => ({
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: userJson(r.user),
      body: r.body,
      state: r.state,
      commit_id: r.commit_id,
      submitted_at: r.submitted_at,
      html_url: `${html}/pull/${pr.number}#pullrequestreview-${r.id}`,
      pull_request_url: `${api}/pulls/${pr.number}`,
      author_association: 'MEMBER',
    }),
    eventJson: (pr: PullRecord, e: PullRecord['events'][number]) => ({
      id: e.id,
      event: e.event,
      actor: userJson(e.actor),
      created_at: e.created_at,
      commit_id: e.event === 'merged' ? pr.merge_commit_sha : null,
    }),
    deploymentJson: (d: DeploymentRecord) => ({
      id: d.id,
      url: `${api}/deployments/${d.id}`,
      sha: d.sha,
      ref: d.ref,
      task: 'deploy',
      payload: d.payload ?? {},
      description: d.description ?? null,
      environment: d.environment,
      creator: userJson(d.creator),
      created_at: d.created_at,
      updated_at: d.statuses.at(-1)?.created_at ?? d.created_at,
      repository_url: api,
    }),
    statusJson: (d: DeploymentRecord, s: DeploymentRecord['statuses'][number]) => ({
      id: s.id,
      state: s.state,
      creator: userJson(d.creator),
      description: '',
      environment: d.environment,
      target_url: s.log_url,
      log_url: s.log_url,
      environment_url: s.environment_url,
      created_at: s.created_at,
      updated_at: s.created_at,
      deployment_url: `${api}/deployments/${d.id}`,
    }),
  };
}

type Shapes = ReturnType<typeof restShapes>;
export type FakePull = ReturnType<Shapes['pullJson']>;
export type FakeReview = ReturnType<Shapes['reviewJson']>;
export type FakeDeployment = ReturnType<Shapes['deploymentJson']>;

/** Posts `payload` to `targetUrl` as GitHub delivers it, signed over the exact bytes sent. */
export async function sendWebhook(
  targetUrl: string,
  event: WebhookEvent,
  payload: unknown,
  secret: string,
  opts: { deliveryId?: string } = {},
) {
  const body = JSON.stringify(payload);
  const deliveryId = opts.deliveryId ?? randomUUID();
  const response = await fetch(targetUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/fake',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '1',
      'x-hub-signature-256': signWebhookBody(body, secret),
    },
    body,
  });
  return { status: response.status, body: await response.text(), deliveryId, rawBody: body };
}

export function signWebhookBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * `opened`, `closed` (merged or not, as the pull request says), `reopened`, `synchronize`.
 * The sender of a merge is who merged; otherwise pass who acted (default: the author).
 */
export function pullRequestEvent(action: 'opened' | 'closed' | 'reopened' | 'synchronize', pr: FakePull, by?: string) {
  const login = by ?? (action === 'closed' && pr.merged_by ? pr.merged_by.login : pr.user.login);
  return { action, number: pr.number, pull_request: pr, repository: pr.base.repo, sender: userJson(login) };
}

/** A submitted review; webhook review states are lower case, unlike the REST API's. */
export function reviewEvent(pr: FakePull, review: FakeReview) {
  return {
    action: 'submitted',
    review: { ...review, state: review.state.toLowerCase(), _links: { html: { href: review.html_url } } },
    pull_request: pr,
    repository: pr.base.repo,
    sender: review.user,
  };
}

/** A new status of `deployment`, e.g. `success` when it finished. */
export function deploymentStatusEvent(
  deployment: FakeDeployment,
  state: DeploymentStatusState,
  opts: { environmentUrl?: string; statusId?: number } = {},
) {
  const [, owner = '', name = ''] = /\/repos\/([^/]+)\/([^/]+)$/.exec(deployment.repository_url) ?? [];
  const at = isoNow();
  return {
    action: 'created',
    deployment_status: {
      id: opts.statusId ?? Math.floor(Math.random() * 1e9),
      state,
      environment: deployment.environment,
      description: '',
      environment_url: opts.environmentUrl ?? `https://${deployment.environment}.example.test`,
      target_url: `https://ci.example.test/deploy/${deployment.id}`,
      log_url: `https://ci.example.test/deploy/${deployment.id}`,
      creator: deployment.creator,
      created_at: at,
      updated_at: at,
      deployment_url: deployment.url,
    },
    deployment,
    repository: {
      name,
      full_name: `${owner}/${name}`,
      owner: userJson(owner),
      html_url: `https://github.com/${owner}/${name}`,
      url: deployment.repository_url,
    },
    sender: deployment.creator,
  };
}
