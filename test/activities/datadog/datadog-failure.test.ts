import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatadogLogsApi } from '../../../activities/datadog/client';
import { searchErrorLogs } from '../../../activities/datadog/search-error-logs';
import { startDatadogFake, type DatadogFake } from '../../fakes/datadog-fake';
import { failureOf } from '../../support/failure-of';

let fake: DatadogFake;
beforeAll(async () => {
  fake = await startDatadogFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const params = { query: 'service:checkout status:error', from: 'now-15m', to: 'now' };
const api = (keys: { apiKey?: string; appKey?: string } = {}) =>
  createDatadogLogsApi({
    site: 'datadoghq.com',
    apiUrl: fake.url,
    apiKey: keys.apiKey ?? fake.apiKey,
    appKey: keys.appKey ?? fake.appKey,
  });

describe('Datadog errors become typed activity failures', () => {
  it('429 is retryable DatadogRateLimited, retried after X-RateLimit-Reset', async () => {
    fake.failNext(429, { resetSeconds: 17 });

    const failure = await failureOf(searchErrorLogs(api(), params));

    expect(failure.type).toBe('DatadogRateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(17_000);
    expect(failure.message).toContain('Too many requests');
    expect(failure.details?.[0]).toMatchObject({
      status: 429,
      rateLimit: { 'x-ratelimit-reset': '17', 'x-ratelimit-remaining': '0' },
    });
    // The library's own retry is off: one request, one failure.
    expect(fake.requests).toHaveLength(1);
  });

  it('a 429 on a later page fails the whole search (the activity retries it from the start)', async () => {
    const svc = 'paging-then-429';
    for (let i = 0; i < 3; i++) fake.addLog({ service: svc, message: `m${i}` });
    // First page succeeds, the second is rate limited.
    fake.failNext(429, { resetSeconds: 3, after: 1 });

    const failure = await failureOf(
      searchErrorLogs(api(), { query: `service:${svc}`, from: 'now-1h', to: 'now+1m', pageSize: 2 }),
    );

    expect(failure.type).toBe('DatadogRateLimited');
    expect(failure.nextRetryDelay).toBe(3_000);
    expect(fake.requests.map((r) => r.status)).toEqual([200, 429]);
  });

  it('500 is retryable DatadogUnavailable without a forced delay', async () => {
    fake.failNext(500);

    const failure = await failureOf(searchErrorLogs(api(), params));

    expect(failure.type).toBe('DatadogUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
  });

  it('wrong keys are a non-retryable DatadogAuthError that says what to check', async () => {
    const failure = await failureOf(searchErrorLogs(api({ appKey: 'not-the-key' }), params));

    expect(fake.requests[0]?.status).toBe(403);
    expect(failure.type).toBe('DatadogAuthError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('Forbidden');
    expect(failure.message).toContain('DATADOG_APP_KEY');
  });

  it('other 4xx are non-retryable DatadogBadRequest', async () => {
    fake.failNext(400, { body: { errors: ['Invalid query: unbalanced parenthesis'] } });

    const failure = await failureOf(searchErrorLogs(api(), params));

    expect(failure.type).toBe('DatadogBadRequest');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('unbalanced parenthesis');
  });

  it('a refused connection is retryable DatadogUnavailable', async () => {
    // A port that was just free: nothing listens there any more.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const dead = createDatadogLogsApi({
      site: 'datadoghq.com',
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      appKey: 'a',
    });

    const failure = await failureOf(searchErrorLogs(dead, params));

    expect(failure.type).toBe('DatadogUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('unreachable');
  });
});
