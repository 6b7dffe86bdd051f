import { createHmac, randomUUID } from 'node:crypto';
import type { DeploymentStatusState, FakeDeployment, FakePull, FakeReview } from './github-fake';

/**
 * GitHub's webhook deliveries, as the GitHub fake's objects would produce them: realistic
 * payload shapes and the headers GitHub sends, signed with the webhook secret.
 */

export type WebhookEvent = 'pull_request' | 'pull_request_review' | 'deployment_status';

/** Posts `payload` to `targetUrl` as GitHub delivers it; the body is signed byte for byte as sent. */
export async function sendWebhook(targetUrl: string, event: WebhookEvent, payload: unknown, secret: string, opts: { deliveryId?: string } = {}) {
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

const sender = (login: string) => ({ login, id: 1, type: login.endsWith('[bot]') ? 'Bot' : 'User' });

/**
 * `opened`, `closed` (merged or not, as the pull request says), `reopened`, `synchronize`.
 * The sender of a merge is who merged; otherwise pass who acted, defaulting to the author.
 */
export function pullRequestEvent(action: 'opened' | 'closed' | 'reopened' | 'synchronize', pr: FakePull, by?: string) {
  const login = by ?? (action === 'closed' && pr.merged_by ? pr.merged_by.login : pr.user.login);
  return { action, number: pr.number, pull_request: pr, repository: pr.base.repo, sender: sender(login) };
}

/** A submitted review; webhook review states are lower case, unlike the REST API's. */
export function reviewEvent(pr: FakePull, review: FakeReview) {
  return {
    action: 'submitted',
    review: { ...review, state: review.state.toLowerCase(), pull_request_url: pr.url, _links: { html: { href: review.html_url } } },
    pull_request: pr,
    repository: pr.base.repo,
    sender: sender(review.user.login),
  };
}

/** A new status of `deployment`, e.g. `success` when it finished. */
export function deploymentStatusEvent(deployment: FakeDeployment, state: DeploymentStatusState, opts: { environmentUrl?: string; statusId?: number } = {}) {
  const [, owner = '', name = ''] = /\/repos\/([^/]+)\/([^/]+)$/.exec(deployment.repository_url) ?? [];
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    action: 'created',
    deployment_status: {
      id: opts.statusId ?? Math.floor(Math.random() * 1e9),
      state,
      environment: deployment.environment,
      environment_url: opts.environmentUrl ?? `https://${deployment.environment}.example.test`,
      target_url: `https://ci.example.test/deploy/${deployment.id}`,
      log_url: `https://ci.example.test/deploy/${deployment.id}`,
      description: '',
      creator: deployment.creator,
      created_at: at,
      updated_at: at,
      deployment_url: deployment.url,
    },
    deployment,
    repository: { name, full_name: `${owner}/${name}`, owner: { login: owner }, html_url: `https://github.com/${owner}/${name}`, url: deployment.repository_url },
    sender: deployment.creator,
  };
}
