import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookTargetSignature } from '../../workflows/domain/webhook-target';
import { pullRequestEvent, sendWebhook } from '../fakes/github-wire';
import { startPipeline, type Pipeline } from '../support/pipeline';

const CURSOR_SECRET = 'cursor-webhook-secret-for-tests-0123456789abcdef';
const GITHUB_SECRET = 'github-webhook-secret-for-tests';

describe('webhooks reach only the runs they are meant for, once', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline(
      { CURSOR_WEBHOOK_SECRET: CURSOR_SECRET, GITHUB_WEBHOOK_SECRET: GITHUB_SECRET },
      { worker: false },
    );
  });
  afterAll(() => p?.close());

  it("a Cursor webhook's target run must carry the pipeline's signature: a signed body cannot be pointed at another run", async () => {
    const body = JSON.stringify({
      event: 'statusChange',
      id: 'bc-agent-1',
      status: 'FINISHED',
      timestamp: new Date().toISOString(),
    });
    const post = (query: string) =>
      fetch(`${p.apiUrl}/webhooks/cursor?${query}`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-webhook-signature': `sha256=${createHmac('sha256', CURSOR_SECRET).update(body).digest('hex')}`,
        },
      });
    const target = 'bugfix-shop-api-0123456789abcdef';
    for (const query of [
      `workflowId=${target}`,
      `workflowId=${target}&sig=${'0'.repeat(64)}`,
      `workflowId=other-run&sig=${webhookTargetSignature(CURSOR_SECRET, target)}`,
    ]) {
      const res = await post(query);
      expect(res.status, query).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_target');
    }
    const ok = await post(`workflowId=${target}&sig=${webhookTargetSignature(CURSOR_SECRET, target)}`);
    expect(ok.status).toBe(202);
  });

  it('a GitHub delivery is acted on once: the same X-GitHub-Delivery again is acknowledged as a duplicate', async () => {
    const url = `${p.apiUrl}/webhooks/github`;
    const pr = {
      number: 7,
      html_url: 'https://github.com/acme/shop-api/pull/7',
      body: 'Bugfix-Run: bugfix-shop-api-0123456789abcdef',
      merged: true,
      state: 'closed',
      head: { ref: 'bugfix/x', sha: 'a'.repeat(40) },
      base: { ref: 'main' },
      user: { login: 'bot' },
      merged_by: { login: 'carol' },
      merge_commit_sha: 'b'.repeat(40),
      created_at: new Date().toISOString(),
    };
    const event = pullRequestEvent('closed', pr as never, 'carol');
    const first = await sendWebhook(url, 'pull_request', event, GITHUB_SECRET, { deliveryId: 'delivery-1' });
    const again = await sendWebhook(url, 'pull_request', event, GITHUB_SECRET, { deliveryId: 'delivery-1' });
    expect(first.status).toBe(202);
    expect(JSON.parse(first.body)).not.toHaveProperty('duplicate');
    expect(again.status).toBe(202);
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true, delivered: [] });
  });
});
