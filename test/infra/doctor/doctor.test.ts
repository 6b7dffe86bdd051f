import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_GROUPS } from '../../../infra/doctor/check';
import { startE2E, SLACK_CHANNEL, type E2E } from '../../support/e2e';
import { DEFAULT_BOT_SCOPES, SlackFake } from '../../fakes/slack-fake';
import { freePort } from '../../support/local';
import { runCli } from '../cli/run-cli';
import { doctor, doctorEnv, expectBroken } from './run-doctor-cli';

const ALL_CHECKS = [
  'temporal.reachable',
  'temporal.namespace',
  'temporal.search-attributes',
  'temporal.workers',
  'slack.auth',
  'slack.scopes',
  'slack.channel',
  'slack.signing-secret',
  'slack.approvers',
  'datadog.api-key',
  'datadog.logs',
  'datadog.metrics',
  'datadog.webhook-token',
  'git.remote',
  'git.push',
  'github.token',
  'github.permissions',
  'github.webhook-secret',
  'cursor.key',
  'cursor.webhook-secret',
  'claude.cli',
  'claude.api',
  'claude.models',
  'claude.sandbox',
  'claude.disk',
];

/** The fix sessions' model and triage's, named as operators do: by alias. */
const MODELS = { CLAUDE_MODEL: 'claude-sonnet-4-5', TRIAGE: 'on' };

describe('bugfix doctor: against a whole working setup (every service faked, Temporal real)', () => {
  let e: E2E;
  let hanging: Server;
  beforeAll(async () => {
    e = await startE2E();
    // A service that accepts connections and never answers.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  }, 180_000);
  afterAll(async () => {
    hanging?.closeAllConnections();
    await new Promise((resolve) => hanging?.close(resolve));
    await e?.close();
  });

  it('all green: one ok line per check, exit 0; --json is the same report as an array of { id, group, status, detail, hint }', async () => {
    const [text, json] = await Promise.all([
      runCli(['doctor', '--timeout', '20s'], doctorEnv(e, MODELS)),
      doctor(doctorEnv(e, { ...MODELS, FIX_APPLY_MODE: 'cursor-api' })),
    ]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    // In direct mode Cursor is not used: its two checks are skipped, everything else is ok.
    expect(lines.slice(0, -2).map((l) => l.split(/\s+/, 2).join(' '))).toEqual(
      ALL_CHECKS.map((id) => `${id.startsWith('cursor.') ? 'skip' : 'ok'} ${id}`),
    );
    expect(lines.at(-1)).toBe(`${ALL_CHECKS.length - 2} ok, 2 skip`);

    expect(json.code).toBe(0);
    expect(json.results.map((r) => r.id)).toEqual(ALL_CHECKS);
    for (const r of json.results) {
      expect(Object.keys(r).sort()).toEqual(['detail', 'group', 'hint', 'id', 'status']);
      expect(CHECK_GROUPS).toContain(r.group);
      expect(r.id.startsWith(`${r.group}.`)).toBe(true);
      expect({ id: r.id, status: r.status, hint: r.hint }).toEqual({ id: r.id, status: 'ok', hint: '' });
      expect(r.detail.length).toBeGreaterThan(0);
    }
    expect(json.find('temporal.workers').detail).toMatch(/workers polling .* and .*-claude/);
    expect(json.find('slack.channel').detail).toBe('#bugs (C0BUGS0001) found, the bot is a member');
    expect(json.find('claude.cli').detail).toMatch(/^\d+\.\d+\.\d+ \(Claude Code\)/);
    // Aliases, as the Models API resolves them.
    expect(json.find('claude.models').detail).toBe(
      'CLAUDE_MODEL=claude-sonnet-4-5 (claude-sonnet-4-5-20250929), TRIAGE_MODEL=claude-haiku-4-5 (claude-haiku-4-5-20251001)',
    );

    // Real calls, each to the service it checks.
    expect(e.slack.callCount('auth.test')).toBeGreaterThanOrEqual(2);
    expect(e.slack.callCount('conversations.info')).toBeGreaterThanOrEqual(2);
    expect(e.datadog.requests.filter((r) => r.url === '/api/v1/validate' && r.status === 200)).toHaveLength(2);
    expect(e.datadog.requests.some((r) => r.url === '/api/v2/logs/events/search' && r.body?.page?.limit === 1)).toBe(
      true,
    );
    expect(e.git.requests.filter((r) => r.service === 'git-receive-pack' && r.status === 200).length).toBe(2);
    expect(e.github.requests.some((r) => r.method === 'GET' && r.path === '/repos/acme/shop-api')).toBe(true);
    expect(e.cursor.requests.filter((r) => r.path === '/v0/me' && r.status === 200)).toHaveLength(1);
    // The key once and each model once, in each of the two runs.
    expect(e.anthropic.requests.filter((r) => r.url.startsWith('/v1/models'))).toHaveLength(6);
  }, 180_000);

  it('no worker polling the task queue is a warning (the workers may not be started yet): exit 0', async () => {
    const report = await doctor(
      doctorEnv(e, { TEMPORAL_TASK_QUEUE: `doctor-idle-${Date.now()}` }),
      '--only',
      'temporal',
    );
    expect(report.code).toBe(0);
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['temporal.reachable', 'ok'],
      ['temporal.namespace', 'ok'],
      ['temporal.search-attributes', 'ok'],
      ['temporal.workers', 'warn'],
    ]);
    expect(report.find('temporal.workers').detail).toMatch(/no worker has polled `doctor-idle-\d+`/);
    expect(report.find('temporal.workers').hint).toMatch(/TEMPORAL_TASK_QUEUE/);
  }, 120_000);

  it('Temporal unreachable or its namespace unknown: named, with the variable to fix', async () => {
    const [down, namespace] = await Promise.all([
      doctor(
        doctorEnv(e, { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` }),
        '--only',
        'temporal',
        '--timeout',
        '3s',
      ),
      doctor(doctorEnv(e, { TEMPORAL_NAMESPACE: 'no-such-namespace' }), '--only', 'temporal'),
    ]);
    expectBroken(down, { 'temporal.reachable': /TEMPORAL_ADDRESS/ });
    expect(down.results.filter((r) => r.status === 'skip').map((r) => r.id)).toEqual([
      'temporal.namespace',
      'temporal.search-attributes',
      'temporal.workers',
    ]);
    expect(namespace.code).toBe(1);
    expect(namespace.find('temporal.namespace')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('namespace no-such-namespace does not exist'),
      hint: expect.stringMatching(/TEMPORAL_NAMESPACE/),
    });
  }, 120_000);

  it('a service that never answers gets its line when the check’s own deadline passes; the others are not held up', async () => {
    const { port } = hanging.address() as AddressInfo;
    const report = await doctor(
      doctorEnv(e, { DATADOG_API_URL: `http://127.0.0.1:${port}` }),
      '--only',
      'datadog,slack',
      '--timeout',
      '1s',
    );
    expectBroken(report, {
      'datadog.api-key': /DATADOG_SITE|DATADOG_API_URL/,
      'datadog.logs': /DATADOG_SITE|DATADOG_API_URL/,
      'datadog.metrics': /DATADOG_SITE|DATADOG_API_URL/,
    });
    expect(report.find('datadog.logs').detail).toBe('no answer within 1 s');
    expect(report.find('slack.channel').status).toBe('ok');
  }, 120_000);

  it('a Slack app without channels:read (not needed with a channel ID) passes: the channel is then checked by reading it', async () => {
    const app = await SlackFake.start({
      scopes: DEFAULT_BOT_SCOPES.filter((s) => !s.endsWith(':read')),
      channels: [{ id: SLACK_CHANNEL, name: 'bugs' }],
    });
    try {
      const report = await doctor(
        doctorEnv(e, { SLACK_API_URL: app.apiUrl, SLACK_BOT_TOKEN: app.token }),
        '--only',
        'slack',
      );
      expect(report.code).toBe(0);
      expect(report.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(report.find('slack.channel').detail).toBe('(C0BUGS0001) found, the bot is a member');
      expect(app.calls.map((c) => c.method)).toEqual(
        expect.arrayContaining(['conversations.info', 'conversations.history']),
      );
    } finally {
      await app.close();
    }
  }, 120_000);

  it('in a Cursor mode the key is checked with GET /v0/me: a refused key names CURSOR_API_KEY', async () => {
    const report = await doctor(
      doctorEnv(e, { FIX_APPLY_MODE: 'cursor-slack', CURSOR_API_KEY: 'key_revoked' }),
      '--only',
      'cursor',
    );
    expectBroken(report, { 'cursor.key': /CURSOR_API_KEY/ });
    expect(report.find('cursor.key').detail).toMatch(/HTTP 401/);
  }, 120_000);
});
