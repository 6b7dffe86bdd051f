import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { verifyGitHubSignature } from '../../../api/github/verify-signature';
import {
  deploymentStatusEvent,
  pullRequestEvent,
  reviewEvent,
  sendWebhook,
  startGitHubFake,
} from '../../fakes/github-fake';

const SECRET = 'webhook-secret-for-tests';
const body = JSON.stringify({ action: 'closed', number: 7, pull_request: { merged: true, title: 'Fix – naïve café' } });
// Computed independently of the code under test.
const signature = `sha256=${createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex')}`;

describe('verifyGitHubSignature', () => {
  it('accepts the HMAC-SHA256 of the raw body, as a Buffer or a string', async () => {
    expect(await verifyGitHubSignature(SECRET, Buffer.from(body, 'utf8'), signature)).toEqual({ ok: true });
    expect(await verifyGitHubSignature(SECRET, body, signature)).toEqual({ ok: true });
    expect(await verifyGitHubSignature(SECRET, body, signature.toUpperCase().replace('SHA256=', 'sha256='))).toEqual({
      ok: true,
    });
  });

  it('rejects a forged body, a wrong secret, or another scheme', async () => {
    expect(await verifyGitHubSignature(SECRET, body.replace('true', 'false'), signature)).toEqual({
      ok: false,
      reason: 'signature does not match',
    });
    expect(await verifyGitHubSignature('another-secret', body, signature)).toMatchObject({ ok: false });
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    expect(await verifyGitHubSignature(SECRET, body, sha1)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('sha256=') as unknown,
    });
    expect(await verifyGitHubSignature(SECRET, body, signature.slice(0, -2))).toMatchObject({ ok: false });
  });

  it('rejects a missing signature, a missing secret, and bytes that are not UTF-8', async () => {
    expect(await verifyGitHubSignature(SECRET, body, undefined)).toEqual({
      ok: false,
      reason: 'missing X-Hub-Signature-256 header',
    });
    expect(await verifyGitHubSignature(undefined, body, signature)).toEqual({
      ok: false,
      reason: 'GITHUB_WEBHOOK_SECRET is not set',
    });
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    const bytesSig = `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}`;
    expect(await verifyGitHubSignature(SECRET, bytes, bytesSig)).toEqual({
      ok: false,
      reason: 'body is not valid UTF-8',
    });
  });
});

describe('the fake GitHub webhook sender', () => {
  it('delivers realistic payloads whose signature verifies over the raw body', async () => {
    const received: { headers: IncomingHttpHeaders; raw: Buffer }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/github`;
    const gh = await startGitHubFake({ owner: 'acme', repo: 'shop' });
    try {
      const opened = await gh.openPullRequestAs('cursor[bot]', {
        head: 'cursor/fix',
        base: 'main',
        title: 'Fix',
        body: 'Bugfix-Run: r1',
      });
      const merged = await gh.mergePullRequest(opened.number, { by: 'carol' });
      const review = gh.addReview(opened.number, { user: 'erin', state: 'APPROVED', body: 'LGTM' });
      const deployment = gh.createDeployment({ sha: merged.merge_commit_sha ?? '', environment: 'production' });

      const sent = await sendWebhook(target, 'pull_request', pullRequestEvent('closed', merged), SECRET);
      await sendWebhook(target, 'pull_request_review', reviewEvent(opened, review), SECRET);
      await sendWebhook(target, 'deployment_status', deploymentStatusEvent(deployment, 'success'), SECRET);
      expect(sent.status).toBe(202);
      expect(received).toHaveLength(3);

      const [prDelivery, reviewDelivery, deployDelivery] = received.map((r) => ({
        ...r,
        json: JSON.parse(r.raw.toString('utf8')) as unknown,
      }));
      for (const r of received) {
        expect(await verifyGitHubSignature(SECRET, r.raw, r.headers['x-hub-signature-256'] as string)).toEqual({
          ok: true,
        });
        expect(await verifyGitHubSignature('wrong', r.raw, r.headers['x-hub-signature-256'] as string)).toMatchObject({
          ok: false,
        });
        expect(r.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
        expect(r.headers['content-type']).toBe('application/json');
      }
      expect(prDelivery?.headers['x-github-event']).toBe('pull_request');
      expect(prDelivery?.headers['x-github-delivery']).toBe(sent.deliveryId);
      expect(prDelivery?.json).toMatchObject({
        action: 'closed',
        number: opened.number,
        sender: { login: 'carol' },
        repository: { full_name: 'acme/shop' },
        pull_request: {
          merged: true,
          merged_by: { login: 'carol' },
          merge_commit_sha: merged.merge_commit_sha,
          head: { ref: 'cursor/fix' },
          body: 'Bugfix-Run: r1',
        },
      });
      expect(reviewDelivery?.json).toMatchObject({
        action: 'submitted',
        review: { state: 'approved', user: { login: 'erin' }, body: 'LGTM' },
        pull_request: { number: opened.number },
      });
      expect(deployDelivery?.json).toMatchObject({
        action: 'created',
        deployment_status: { state: 'success', environment: 'production' },
        deployment: { id: deployment.id, sha: merged.merge_commit_sha, environment: 'production' },
        repository: { full_name: 'acme/shop' },
      });
    } finally {
      await gh.close();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
