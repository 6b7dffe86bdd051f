import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../../api/slack/verify-signature';
import { blockActionsPayload, signedBlockActions, signSlackRequest } from '../../support/slack-sign';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_712_345_678;

const click = () => signedBlockActions(SECRET, { actionId: 'bugfix_approve', value: 'bugfix-checkout-3f9a1c2b' }, NOW);
const verify = (body: string | Buffer, headers: Record<string, string | undefined>, nowSeconds = NOW) =>
  verifySlackSignature({
    signingSecret: SECRET,
    rawBody: body,
    timestamp: headers['x-slack-request-timestamp'],
    signature: headers['x-slack-signature'],
    nowSeconds,
  });

describe('verifySlackSignature', () => {
  it('accepts a request signed the way Slack signs it (string or Buffer body)', () => {
    const { body, headers } = click();
    expect(verify(body, headers)).toEqual({ ok: true });
    expect(verify(Buffer.from(body), headers)).toEqual({ ok: true });
  });

  it("matches Slack's documented algorithm independently computed", () => {
    const body = 'token=xyz&team_id=T1&command=%2Fweather&text=94070';
    const ts = String(NOW);
    const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    expect(
      verifySlackSignature({ signingSecret: SECRET, rawBody: body, timestamp: ts, signature: sig, nowSeconds: NOW }),
    ).toEqual({ ok: true });
  });

  it("rejects a forged signature, a tampered body and another app's secret", () => {
    const { body, headers } = click();
    const flipped = headers['x-slack-signature']!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(verify(body, { ...headers, 'x-slack-signature': flipped })).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
    const tampered = body.replace('bugfix_approve', 'bugfix_reject');
    expect(verify(tampered, headers).ok).toBe(false);
    expect(verify(body, signSlackRequest('another-apps-secret', body, NOW)).ok).toBe(false);
    expect(verify(body, { ...headers, 'x-slack-signature': 'v0=abc' }).ok).toBe(false); // short: no throw
    expect(
      verify(body, { ...headers, 'x-slack-signature': headers['x-slack-signature']!.replace('v0=', 'v1=') }).ok,
    ).toBe(false);
  });

  it('rejects a stale (6 minutes) or future timestamp, even when correctly signed', () => {
    const { body, headers } = click();
    expect(verify(body, headers, NOW + 6 * 60)).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
    expect(verify(body, headers, NOW - 6 * 60)).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
    expect(verify(body, headers, NOW + 4 * 60).ok).toBe(true);
  });

  it('rejects missing headers, malformed timestamps and a missing secret', () => {
    const { body, headers } = click();
    expect(verify(body, { ...headers, 'x-slack-request-timestamp': undefined })).toEqual({
      ok: false,
      reason: 'missing X-Slack-Request-Timestamp',
    });
    expect(verify(body, { ...headers, 'x-slack-signature': undefined })).toEqual({
      ok: false,
      reason: 'missing X-Slack-Signature',
    });
    expect(verify(body, { ...headers, 'x-slack-request-timestamp': `${NOW}.5` }).ok).toBe(false);
    const unconfigured = {
      rawBody: body,
      timestamp: headers['x-slack-request-timestamp'],
      signature: headers['x-slack-signature'],
      nowSeconds: NOW,
    };
    expect(verifySlackSignature({ ...unconfigured, signingSecret: undefined })).toEqual({
      ok: false,
      reason: 'SLACK_SIGNING_SECRET is not configured',
    });
    expect(verifySlackSignature({ ...unconfigured, signingSecret: '' }).ok).toBe(false);
  });

  it('the test click is a realistic block_actions payload', () => {
    const { body, headers } = signedBlockActions(SECRET, {
      actionId: 'bugfix_reject',
      value: 'wf-1',
      userId: 'U1',
      userName: 'bob',
      responseUrl: 'http://127.0.0.1:1/respond/x',
    });
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    const payload = JSON.parse(new URLSearchParams(body).get('payload')!) as ReturnType<typeof blockActionsPayload>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1', username: 'bob' },
      response_url: 'http://127.0.0.1:1/respond/x',
    });
    expect(payload.actions[0]).toMatchObject({ action_id: 'bugfix_reject', value: 'wf-1', type: 'button' });
    expect(
      verifySlackSignature({
        signingSecret: SECRET,
        rawBody: body,
        timestamp: headers['x-slack-request-timestamp'],
        signature: headers['x-slack-signature'],
      }).ok,
    ).toBe(true);
  });
});
