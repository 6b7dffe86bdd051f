import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCursorClient } from '../../../activities/cursor/client';
import { verifyCursorSignature } from '../../../api/cursor/verify-signature';
import { CursorFake } from '../../fakes/cursor-fake';
import { startWebhookReceiver } from '../../activities/cursor/webhook-receiver';

const SECRET = 'cursor-webhook-secret-0123456789abcdef';
const BODY = '{"event":"statusChange","timestamp":"2024-01-15T10:30:00Z","id":"bc_abc123","status":"FINISHED"}';
const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyCursorSignature', () => {
  it("accepts Cursor's documented scheme, computed independently (string or Buffer body, either hex case)", () => {
    const header = sign(SECRET, BODY);
    expect(verifyCursorSignature(SECRET, BODY, header)).toEqual({ ok: true });
    expect(verifyCursorSignature(SECRET, Buffer.from(BODY), header)).toEqual({ ok: true });
    expect(verifyCursorSignature(SECRET, BODY, `sha256=${header.slice(7).toUpperCase()}`)).toEqual({ ok: true });
  });

  it('rejects a forged or truncated signature, a tampered body, another secret and a wrong scheme', () => {
    const header = sign(SECRET, BODY);
    const flipped = header.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(verifyCursorSignature(SECRET, BODY, flipped)).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(verifyCursorSignature(SECRET, BODY.replace('FINISHED', 'ERROR'), header).ok).toBe(false);
    expect(verifyCursorSignature(SECRET, BODY, sign('another-secret-of-at-least-32-chars!!', BODY)).ok).toBe(false);
    expect(verifyCursorSignature(SECRET, BODY, 'sha256=abc')).toEqual({ ok: false, reason: 'signature mismatch' }); // short: no throw
    expect(verifyCursorSignature(SECRET, BODY, header.slice(7))).toEqual({
      ok: false,
      reason: 'X-Webhook-Signature is not sha256=<hex>',
    });
    expect(verifyCursorSignature(SECRET, BODY, header.replace('sha256=', 'sha1='))).toMatchObject({ ok: false });
  });

  it('rejects everything when no secret is configured or the header is missing', () => {
    expect(verifyCursorSignature(undefined, BODY, sign('', BODY))).toEqual({
      ok: false,
      reason: 'CURSOR_WEBHOOK_SECRET is not configured',
    });
    expect(verifyCursorSignature('', BODY, sign('', BODY)).ok).toBe(false);
    expect(verifyCursorSignature(SECRET, BODY, undefined)).toEqual({
      ok: false,
      reason: 'missing X-Webhook-Signature',
    });
  });
});

describe("the Cursor fake's webhooks", () => {
  let fake: CursorFake;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await fake.close();
    await receiver.close();
  });
  const launch = async () => {
    const client = createCursorClient({ apiKey: fake.apiKey, apiUrl: fake.apiUrl });
    return client.launchAgent({
      prompt: { text: 'x' },
      source: { repository: 'https://github.com/acme/shop' },
      webhook: { url: receiver.url, secret: SECRET },
    });
  };

  it('are signed so that verifyCursorSignature accepts them, and a forged copy is refused', async () => {
    fake = await CursorFake.start();
    const agent = await launch();
    await fake.finish(agent.id, { prUrl: 'https://github.com/acme/shop/pull/3' });
    const [hook] = receiver.received;
    expect(hook!.headers).toMatchObject({
      'x-webhook-event': 'statusChange',
      'user-agent': 'Cursor-Agent-Webhook/1.0',
      'content-type': 'application/json',
    });
    expect(hook!.headers['x-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    const signature = hook!.headers['x-webhook-signature'] as string;
    expect(verifyCursorSignature(SECRET, hook!.rawBody, signature)).toEqual({ ok: true });
    const forged = Buffer.from(hook!.rawBody.toString().replace('/pull/3', '/pull/666'));
    expect(verifyCursorSignature(SECRET, forged, signature).ok).toBe(false);
    expect(
      verifyCursorSignature(SECRET, forged, sign('attacker-guess-of-the-secret-000000', forged.toString())).ok,
    ).toBe(false);
  });

  it('are retried with the same delivery id while the receiver answers 5xx', async () => {
    fake = await CursorFake.start();
    receiver.answers.push(500);
    const agent = await launch();
    await fake.finish(agent.id);
    expect(fake.webhookDeliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(new Set(receiver.received.map((r) => r.headers['x-webhook-id'])).size).toBe(1);
  });

  it('can be dropped, as when a delivery is lost: recorded, never sent', async () => {
    fake = await CursorFake.start({ dropWebhooks: true });
    const agent = await launch();
    await fake.finish(agent.id);
    expect(receiver.received).toHaveLength(0);
    expect(fake.webhookDeliveries).toMatchObject([{ agentId: agent.id, dropped: true }]);
    expect(
      verifyCursorSignature(
        SECRET,
        fake.webhookDeliveries[0]!.rawBody,
        fake.webhookDeliveries[0]!.headers['x-webhook-signature'],
      ),
    ).toEqual({ ok: true });
  });
});
