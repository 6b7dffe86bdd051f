/**
 * Requests an attacker (or a broken sender) makes to the ingress: forged and missing tokens and
 * signatures, replayed Slack signatures, malformed, oversized and deeply nested bodies, and hostile
 * strings (regex bait, 20,000 rows, huge service names). Every one must be answered 4xx and start
 * nothing. Bodies are built before they are sent, so building them costs the ingress nothing.
 */
import { createHmac } from 'node:crypto';
import { signSlackRequest, blockActionsPayload } from '../support/slack-sign';
import type { Secrets } from './world';

export { sendRaw, type HostileResult } from './send-raw';

export interface HostileRequest {
  name: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const hmac = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('hex');

function alert(message: string, o: { service?: string; rows?: number; title?: boolean } = {}) {
  const service = o.service ?? 'shop-api';
  const rows = Array.from({ length: o.rows ?? 1 }, (_, i) => ({
    items: ['12:00:00 UTC', 'web-1', service],
    message: (o.rows ?? 1) > 1 ? `${message} ${i}` : message,
  }));
  return {
    id: `hostile-${Math.random().toString(36).slice(2)}`,
    ...(o.title === false ? {} : { title: `[Triggered] Errors in ${service.slice(0, 50)}` }),
    alert: { transition: 'Triggered' },
    tags: `env:prod,service:${service}`,
    logs_sample: { columns: ['Time', 'Host', 'Service'], rows },
  };
}

/** Bodies shared by many requests, built once. */
function bodies() {
  const regexBait = [
    `TypeError: ${'a'.repeat(30_000)}!`,
    ...Array.from({ length: 3000 }, () => `    at ${'('.repeat(20)}x${' '.repeat(20)}(/app/${'a/'.repeat(20)}:1:1`),
  ].join('\n');
  const depth = 100_000;
  return {
    plain: json(alert('TypeError: hostile delivery (case hostile)')),
    regexBait: json(alert(regexBait)),
    rows20k: json(alert('Error: row', { rows: 20_000 })),
    hugeService: json(alert('Error: big service', { service: 's'.repeat(900_000) })),
    deepArray: Buffer.from('['.repeat(depth) + ']'.repeat(depth)),
    deepObject: Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
    fiveMb: json(alert(`Error: ${'x'.repeat(5 * 1024 * 1024)}`)),
    // Authenticated but unacceptable: what a leaked token or a broken template could send.
    regexBaitNoTitle: json(alert(regexBait, { title: false })),
    rows20kNoTitle: json(alert('Error: row', { rows: 20_000, title: false })),
    hugeServiceNoTitle: json(alert('Error: big service', { service: 's'.repeat(900_000), title: false })),
  };
}

const MALFORMED = [
  '',
  '{',
  '{"id":',
  '{"id":"x","title":"t",}',
  "{'id':'x','title':'t'}",
  '{"id":NaN,"title":"t"}',
  '\uFEFF{"id":"x"',
  'null',
  '[]',
  '42',
  '"a string"',
  'true',
  '{"id":"x","title":"t"}garbage',
  '{}',
  '{"id":"","title":"t"}',
  '{"id":{},"title":"t"}',
  '{"id":"x","title":42}',
  '{"id":"x","title":""}',
  '{"id":"x","title":"t","tags":42}',
  '{"id":"x","title":"t","alert":{"transition":7}}',
];

/** At least `count` hostile requests across every webhook route (the base set, repeated as needed). */
export function hostileRequests(secrets: Secrets, count: number): HostileRequest[] {
  const b = bodies();
  const token = secrets.datadogWebhookToken;
  const base: HostileRequest[] = [];
  const add = (name: string, path: string, headers: Record<string, string>, body: Buffer, method = 'POST') =>
    base.push({ name, path, method, headers: { 'content-type': 'application/json', ...headers }, body });

  // Datadog: every body with every kind of bad credential; then bad bodies with the right token.
  const badAuth: Record<string, Record<string, string>> = {
    none: {},
    wrong: { authorization: 'Bearer not-the-token' },
    longer: { authorization: `Bearer ${token}x` },
    shorter: { authorization: `Bearer ${token.slice(0, -1)}` },
    basic: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` },
    empty: { authorization: 'Bearer ' },
    scheme: { authorization: `Token ${token}` },
    apiKeyHeader: { 'dd-api-key': token },
    huge: { authorization: `Bearer ${'A'.repeat(60_000)}` },
  };
  for (const [auth, headers] of Object.entries(badAuth))
    for (const [kind, body] of Object.entries(b))
      if (!kind.endsWith('NoTitle')) add(`datadog ${kind}, token ${auth}`, '/webhooks/datadog', headers, body);
  add('datadog token in query', `/webhooks/datadog?token=${token}`, {}, b.plain);
  add('datadog trailing slash, no token', '/webhooks/datadog/', {}, b.plain);
  const good = { authorization: `Bearer ${token}` };
  MALFORMED.forEach((m, i) => add(`datadog malformed #${i}`, '/webhooks/datadog', good, Buffer.from(m)));
  add('datadog invalid utf-8', '/webhooks/datadog', good, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
  for (const kind of [
    'deepArray',
    'deepObject',
    'fiveMb',
    'regexBaitNoTitle',
    'rows20kNoTitle',
    'hugeServiceNoTitle',
  ] as const)
    add(`datadog ${kind}, right token`, '/webhooks/datadog', good, b[kind]);

  // Slack: forged, stale and replayed signatures, and oversized bodies.
  const form = (p: object) => Buffer.from(new URLSearchParams({ payload: JSON.stringify(p) }).toString());
  const click = form(blockActionsPayload({ actionId: 'bugfix_approve', value: 'bugfix-shop-api-forged' }));
  const slack = (name: string, body: Buffer, headers: Record<string, string>) =>
    add(
      `slack ${name}`,
      '/slack/interactions',
      { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    );
  const now = Math.floor(Date.now() / 1000);
  slack('unsigned', click, {});
  slack('no timestamp', click, {
    'x-slack-signature': signSlackRequest(secrets.slackSigningSecret, click)['x-slack-signature']!,
  });
  slack('no signature', click, { 'x-slack-request-timestamp': String(now) });
  slack('other app secret', click, signSlackRequest('another-apps-secret', click));
  for (const ageMinutes of [6, 10, 60, 60 * 24, -6, -60])
    slack(
      `replayed, ${ageMinutes} min old`,
      click,
      signSlackRequest(secrets.slackSigningSecret, click, now - ageMinutes * 60),
    );
  slack(
    'tampered body',
    form(blockActionsPayload({ actionId: 'bugfix_approve', value: 'x' })),
    signSlackRequest(secrets.slackSigningSecret, click),
  );
  for (const ts of ['abc', '1e10', '-1', '9'.repeat(50), ''])
    slack(`timestamp "${ts.slice(0, 8)}"`, click, {
      'x-slack-request-timestamp': ts,
      'x-slack-signature': 'v0=' + '0'.repeat(64),
    });
  for (const sig of ['v1=' + '0'.repeat(64), 'v0=zz', 'v0=', 'x'.repeat(5000)])
    slack(`signature "${sig.slice(0, 6)}"`, click, {
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': sig,
    });
  slack('oversized', Buffer.alloc(300 * 1024, 'a'), signSlackRequest(secrets.slackSigningSecret, 'a'));
  for (const kind of ['deepObject', 'regexBait', 'rows20k'] as const)
    slack(`${kind}, forged`, b[kind], signSlackRequest('forged', b[kind]));

  // GitHub: signatures of the wrong form, secret or body.
  const pr = json({
    action: 'closed',
    pull_request: { html_url: 'https://github.com/acme/shop-api/pull/1', body: 'Bugfix-Run: bugfix-x' },
  });
  const gh = (name: string, body: Buffer, sig: string | undefined, event = 'pull_request') =>
    add(
      `github ${name}`,
      '/webhooks/github',
      {
        'x-github-event': event,
        'x-github-delivery': `d-${base.length}`,
        ...(sig ? { 'x-hub-signature-256': sig } : {}),
      },
      body,
    );
  gh('unsigned', pr, undefined);
  gh('wrong secret', pr, `sha256=${hmac('wrong', pr)}`);
  gh('other body', pr, `sha256=${hmac(secrets.githubWebhookSecret, 'other')}`);
  gh('sha1 only', pr, `sha1=${createHmac('sha1', secrets.githubWebhookSecret).update(pr).digest('hex')}`);
  gh('malformed', pr, 'sha256=xyz');
  gh(
    'deployment forged',
    json({ deployment: { sha: 'a'.repeat(40) }, deployment_status: { state: 'success' } }),
    `sha256=${'0'.repeat(64)}`,
    'deployment_status',
  );
  gh('invalid utf-8', Buffer.from([0x7b, 0xff, 0x7d]), `sha256=${'1'.repeat(64)}`);
  gh('oversized', Buffer.alloc(3 * 1024 * 1024, 'a'), `sha256=${'2'.repeat(64)}`);
  for (const kind of ['deepArray', 'regexBait', 'hugeService'] as const)
    gh(`${kind}, forged`, b[kind], `sha256=${hmac('x', b[kind])}`);

  // Cursor: forged body signatures, and a genuine body replayed to a run its URL is not signed for.
  const status = json({
    event: 'statusChange',
    id: 'bc_forged',
    status: 'FINISHED',
    timestamp: new Date().toISOString(),
  });
  const cursor = (name: string, query: string, body: Buffer, sig: string | undefined) =>
    add(`cursor ${name}`, `/webhooks/cursor${query}`, sig ? { 'x-webhook-signature': sig } : {}, body);
  cursor('unsigned', '?workflowId=bugfix-x&sig=00', status, undefined);
  cursor('wrong secret', '?workflowId=bugfix-x&sig=00', status, `sha256=${hmac('wrong', status)}`);
  cursor('malformed', '', status, 'md5=abc');
  cursor(
    'run not signed',
    '?workflowId=bugfix-x&sig=' + '0'.repeat(64),
    status,
    `sha256=${hmac(secrets.cursorWebhookSecret, status)}`,
  );
  cursor(
    'run signature of another run',
    `?workflowId=bugfix-y&sig=${hmac(secrets.cursorWebhookSecret, 'bugfix-x')}`,
    status,
    `sha256=${hmac(secrets.cursorWebhookSecret, status)}`,
  );
  cursor('oversized', '', Buffer.alloc(2 * 1024 * 1024, 'a'), `sha256=${'3'.repeat(64)}`);

  // Wrong methods and routes.
  for (const p of ['/webhooks/datadog', '/slack/interactions', '/webhooks/github', '/webhooks/cursor'])
    add(`GET ${p}`, p, {}, Buffer.alloc(0), 'GET');
  add('unknown route', '/webhooks/nowhere', {}, b.plain);

  return Array.from({ length: Math.max(count, base.length) }, (_, i) => base[i % base.length]!);
}
