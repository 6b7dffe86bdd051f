import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyJiraSignature } from '../../../api/jira/verify-signature';

const secret = 'jira-secret';
const body = Buffer.from('{"webhookEvent":"jira:issue_created"}');
const sign = (b: Buffer, s = secret) => `sha256=${createHmac('sha256', s).update(b).digest('hex')}`;

describe('verifyJiraSignature', () => {
  it('accepts X-Hub-Signature sha256=<HMAC of the raw body>, in either hex case', () => {
    expect(verifyJiraSignature(secret, body, sign(body))).toEqual({ ok: true });
    expect(verifyJiraSignature(secret, body, sign(body).toUpperCase().replace('SHA256', 'sha256'))).toEqual({
      ok: true,
    });
  });

  it('refuses a missing, malformed, forged or re-serialised signature, and works only with a secret', () => {
    expect(verifyJiraSignature(secret, body, undefined)).toMatchObject({ ok: false, reason: /missing/ });
    expect(verifyJiraSignature(secret, body, 'sha1=abc')).toMatchObject({ ok: false, reason: /form/ });
    expect(verifyJiraSignature(secret, body, sign(body, 'other'))).toMatchObject({
      ok: false,
      reason: /does not match/,
    });
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expect(verifyJiraSignature(secret, reformatted, sign(body))).toMatchObject({ ok: false });
    expect(verifyJiraSignature(undefined, body, sign(body))).toMatchObject({
      ok: false,
      reason: /JIRA_WEBHOOK_SECRET/,
    });
    expect(verifyJiraSignature(secret, Buffer.alloc(0), sign(Buffer.alloc(0)))).toMatchObject({ ok: false });
  });
});
