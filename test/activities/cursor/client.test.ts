import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCursorClient, type CursorClient, type LaunchAgentRequest } from '../../../activities/cursor/client';
import { retryAfterMs } from '../../../activities/cursor/cursor-failure';
import { CursorFake } from '../../fakes/cursor-fake';
import { failureOf } from '../../support/failure-of';

const REPO = 'https://github.com/acme/shop';
const launchRequest = (branchName?: string): LaunchAgentRequest => ({
  prompt: { text: 'Apply the approved diff' },
  source: { repository: REPO, ref: 'main' },
  target: { autoCreatePr: true, ...(branchName ? { branchName } : {}) },
});

let fake: CursorFake;
let client: CursorClient;
beforeEach(async () => {
  fake = await CursorFake.start();
  client = createCursorClient({ apiKey: fake.apiKey, apiUrl: `${fake.apiUrl}/` });
});
afterEach(() => fake.close());

describe('Cursor client against the fake API', () => {
  it('launches with a Bearer key and the documented body, then follows the agent RUNNING -> FINISHED with its PR', async () => {
    const launched = await client.launchAgent({
      ...launchRequest('cursor/bugfix-x-1'),
      webhook: { url: 'http://127.0.0.1:9/hook', secret: 's'.repeat(32) },
    });
    expect(launched).toMatchObject({
      status: 'CREATING',
      source: { repository: REPO, ref: 'main' },
      target: { branchName: 'cursor/bugfix-x-1', autoCreatePr: true },
    });
    const post = fake.requests[0]!;
    expect([post.method, post.path, post.headers.authorization]).toEqual([
      'POST',
      '/v0/agents',
      `Bearer ${fake.apiKey}`,
    ]);
    expect(post.body).toEqual({
      prompt: { text: 'Apply the approved diff' },
      source: { repository: REPO, ref: 'main' },
      target: { autoCreatePr: true, branchName: 'cursor/bugfix-x-1' },
      webhook: { url: 'http://127.0.0.1:9/hook', secret: 's'.repeat(32) },
    });

    expect((await client.getAgent(launched.id)).status).toBe('RUNNING');
    await fake.finish(launched.id, { prUrl: 'https://github.com/acme/shop/pull/7', summary: 'Applied the diff' });
    const done = await client.getAgent(launched.id);
    expect(done).toMatchObject({
      status: 'FINISHED',
      summary: 'Applied the diff',
      target: { prUrl: 'https://github.com/acme/shop/pull/7', branchName: 'cursor/bugfix-x-1' },
    });
  });

  it('lists newest first and pages with limit / nextCursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await client.launchAgent(launchRequest(`b${i}`))).id);
    const first = await client.listAgents({ limit: 2 });
    expect(first.agents.map((a) => a.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).toBeTruthy();
    const second = await client.listAgents({ limit: 2, cursor: first.nextCursor! });
    expect(second.agents.map((a) => a.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();
    expect(fake.requests.at(-1)!.path).toBe(`/v0/agents?limit=2&cursor=${first.nextCursor}`);
  });

  it('sends follow-ups, stops and deletes agents', async () => {
    const { id } = await client.launchAgent(launchRequest());
    expect(await client.followup(id, { text: 'Also update the changelog' })).toEqual({ id });
    expect(fake.agent(id)!.followups).toEqual(['Also update the changelog']);
    expect(await client.stopAgent(id)).toEqual({ id });
    expect((await client.getAgent(id)).status).toBe('STOPPED');
    await client.deleteAgent(id);
    const gone = await failureOf(client.getAgent(id));
    expect([gone.type, gone.nonRetryable]).toEqual(['CursorBadRequest', true]);
    expect(gone.message).toContain('Agent not found');
  });
});

describe('Cursor client error mapping', () => {
  it('a wrong API key (401) is a non-retryable CursorAuthError', async () => {
    const wrong = createCursorClient({ apiKey: 'key_wrong', apiUrl: fake.apiUrl });
    const f = await failureOf(wrong.listAgents());
    expect([f.type, f.nonRetryable]).toEqual(['CursorAuthError', true]);
    expect(fake.requests[0]!.status).toBe(401);
    fake.failNext(1, 403);
    expect((await failureOf(client.getAgent('bc_1'))).type).toBe('CursorAuthError');
  });

  it('429 is retryable, with nextRetryDelay from Retry-After', async () => {
    fake.failNext(1, 429, { 'retry-after': '7' });
    const f = await failureOf(client.launchAgent(launchRequest()));
    expect([f.type, f.nonRetryable, f.nextRetryDelay]).toEqual(['CursorRateLimited', false, 7000]);
    expect(fake.agents()).toHaveLength(0);
    // The next call goes through: the failure was one answer, not a broken client.
    expect((await client.launchAgent(launchRequest())).status).toBe('CREATING');
  });

  it('Retry-After as an HTTP date, or absent', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('0', now)).toBe(1000);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('5xx is a retryable CursorUnavailable', async () => {
    fake.failNext(2, 503, {}, '<html>Bad gateway</html>');
    for (const f of [await failureOf(client.getAgent('bc_1')), await failureOf(client.listAgents())]) {
      expect([f.type, f.nonRetryable]).toEqual(['CursorUnavailable', false]);
      expect(f.message).toContain('HTTP 503: <html>Bad gateway</html>');
    }
  });

  it('another 4xx is a non-retryable CursorBadRequest carrying the API message', async () => {
    const f = await failureOf(
      client.launchAgent({ ...launchRequest(), webhook: { url: 'https://example.test/hook', secret: 'too-short' } }),
    );
    expect([f.type, f.nonRetryable]).toEqual(['CursorBadRequest', true]);
    expect(f.message).toContain('HTTP 400: webhook.secret must be at least 32 characters');
  });

  it('a timeout, a refused connection or an answer that is not an agent is retryable', async () => {
    const slow = await CursorFake.start({ latencyMs: 400 });
    try {
      const impatient = createCursorClient({ apiKey: slow.apiKey, apiUrl: slow.apiUrl }, { timeoutMs: 50 });
      const f = await failureOf(impatient.listAgents());
      expect([f.type, f.nonRetryable, f.message]).toEqual([
        'CursorUnavailable',
        false,
        'list agents: Cursor API unreachable (request timed out)',
      ]);
    } finally {
      await slow.close();
    }
    const nowhere = createCursorClient({ apiKey: 'k', apiUrl: 'http://127.0.0.1:9' });
    expect((await failureOf(nowhere.listAgents())).type).toBe('CursorUnavailable');
    fake.failNext(1, 200, {}, { unexpected: true });
    const odd = await failureOf(client.getAgent('bc_1'));
    expect([odd.type, odd.nonRetryable]).toEqual(['CursorUnavailable', false]);
  });

  it("the caller's cancellation is passed through, not turned into an outage", async () => {
    const slow = await CursorFake.start({ latencyMs: 300 });
    try {
      const c = createCursorClient({ apiKey: slow.apiKey, apiUrl: slow.apiUrl });
      const controller = new AbortController();
      const reason = new Error('activity cancelled');
      setTimeout(() => controller.abort(reason), 20);
      await expect(c.listAgents({}, { signal: controller.signal })).rejects.toBe(reason);
    } finally {
      await slow.close();
    }
  });

  it('the fake closes at once even with agents still due to finish', async () => {
    const busy = await CursorFake.start({ autoFinishAfterMs: 60_000 });
    const c = createCursorClient({ apiKey: busy.apiKey, apiUrl: busy.apiUrl });
    const { id } = await c.launchAgent(launchRequest());
    const started = Date.now();
    await busy.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(busy.agent(id)!.status).toBe('CREATING');
  });

  it('no API key: a non-retryable CursorConfigError before any request', () => {
    expect(() => createCursorClient({ apiUrl: fake.apiUrl })).toThrow(
      expect.objectContaining({ type: 'CursorConfigError', nonRetryable: true }),
    );
  });
});
