import express, { Router } from 'express';
import { HttpError } from '../http/http-error';
import { jsonOf } from '../http/json-body';
import { RecentMap } from '../http/recent-map';
import { verifyGitHubSignature } from './verify-signature';
import { notifyRuns, runsWith, type WebhookDeps } from '../webhook-runs';
import { workflowIdFromMarker } from '../../workflows/domain/github-text';
import { PULL_REQUEST, STAGE } from '../../workflows/domain/search-attributes';

interface GitHubPayload {
  action?: string;
  pull_request?: { html_url?: string; body?: string | null; head?: { ref?: string } };
  deployment?: { sha?: string; environment?: string };
  deployment_status?: { state?: string };
}

/**
 * POST /webhooks/github: `pull_request`, `pull_request_review` and `deployment_status` wake
 * the run they belong to (by the PR's `Bugfix-Run:` marker, its URL, or the deployed merge
 * commit). The run re-reads GitHub itself, so a webhook is a hint, never the source of truth.
 */
export function githubWebhookRoute({ client, config, log, wakeUps }: WebhookDeps): Router {
  const router = Router();
  // GitHub's redelivery (or a replayed request) carries the same X-GitHub-Delivery: acknowledged once, acted on once.
  const deliveries = new RecentMap<true>(10_000);
  router.post('/webhooks/github', express.raw({ type: () => true, limit: '2mb' }), async (req, res, next) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = await verifyGitHubSignature(config.github.webhookSecret, raw, req.get('x-hub-signature-256'));
      if (!check.ok) throw new HttpError(401, 'invalid_signature', `GitHub webhook rejected: ${check.reason}`);
      const event = req.get('x-github-event') ?? '';
      const deliveryId = req.get('x-github-delivery');
      if (deliveryId && deliveries.has(deliveryId)) {
        res.status(202).json({ event, delivered: [], ignored: true, duplicate: true });
        return;
      }
      if (deliveryId) deliveries.set(deliveryId, true);
      const payload = jsonOf(raw) as GitHubPayload;

      let runs: string[] = [];
      let notTheirs: string[] = [];
      if ((event === 'pull_request' || event === 'pull_request_review') && payload.pull_request) {
        const url = payload.pull_request.html_url;
        const marked = workflowIdFromMarker(payload.pull_request.body);
        if (marked) {
          // Anyone can write a marker into a PR: it counts for the run's own PR, or one it is waiting for.
          const owns = await ownsPullRequest(client, marked, url);
          runs = owns ? [marked] : [];
          notTheirs = owns ? [] : [marked];
        } else if (url) runs = await runsWith(client, 'BugfixPullRequest', url);
      } else if (event === 'deployment_status' && payload.deployment?.sha) {
        runs = await runsWith(client, 'BugfixMergeCommit', payload.deployment.sha);
      }
      const { delivered, coalesced } = await notifyRuns(wakeUps, runs, {
        source: 'github',
        kind: `${event}.${payload.action ?? payload.deployment_status?.state ?? ''}`,
      });
      log({ msg: 'github webhook', event, action: payload.action, delivered, coalesced, notTheirs });
      res.status(202).json({
        event,
        delivered,
        coalesced,
        ...(notTheirs.length ? { notTheirs } : {}),
        ignored: delivered.length + coalesced.length === 0,
      });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/**
 * Whether the run named by a PR's marker may be woken by that PR: its recorded pull request, or
 * any while it is still waiting for one (the run then checks the PR itself before adopting it).
 */
async function ownsPullRequest(client: WebhookDeps['client'], workflowId: string, url: string | undefined) {
  try {
    const run = await client.workflow.getHandle(workflowId).describe();
    if (run.status.name !== 'RUNNING') return false;
    const recorded = run.typedSearchAttributes.get(PULL_REQUEST);
    if (recorded) return recorded === url;
    return ['opening-pr', 'awaiting-retry'].includes(run.typedSearchAttributes.get(STAGE) ?? '');
  } catch {
    return false;
  }
}
