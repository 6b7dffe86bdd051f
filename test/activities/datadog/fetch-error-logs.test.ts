import { client } from '@datadog/datadog-api-client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogActivities, type FetchErrorLogsResult } from '../../../activities/datadog';
import { createDatadogConfiguration, datadogBaseUrl } from '../../../activities/datadog/client';
import { loadConfig } from '../../../infra/platform/config/load-config';
import { startDatadogFake, type DatadogFake } from '../../fakes/datadog-fake';

const configFile = {
  temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'bugfix', uiUrl: 'http://127.0.0.1:8233' },
  devServer: { enabled: true, cliVersion: '1.5.1', dbFilename: '.data/temporal.db', uiPort: 8233, logLevel: 'error' },
};
const datadogFromEnv = (env: Record<string, string>) => loadConfig(configFile, env).datadog;

/** The URL the real client would call for a logs search, without sending anything. */
const searchUrl = (env: Record<string, string>) =>
  createDatadogConfiguration(datadogFromEnv(env))
    .getServer('v2.LogsApi.listLogs')
    .makeRequestContext('/api/v2/logs/events/search', client.HttpMethod.POST)
    .getUrl();

describe('Datadog site selection', () => {
  it('defaults to the US1 site', () => {
    expect(searchUrl({})).toBe('https://api.datadoghq.com/api/v2/logs/events/search');
  });

  it('DATADOG_SITE picks the regional API host', () => {
    expect(searchUrl({ DATADOG_SITE: 'datadoghq.eu' })).toBe('https://api.datadoghq.eu/api/v2/logs/events/search');
    expect(searchUrl({ DATADOG_SITE: 'us5.datadoghq.com' })).toBe(
      'https://api.us5.datadoghq.com/api/v2/logs/events/search',
    );
    expect(datadogBaseUrl({ site: 'https://app.datadoghq.eu/' })).toBe('https://api.datadoghq.eu');
  });

  it('DATADOG_API_URL overrides the whole base URL', () => {
    expect(searchUrl({ DATADOG_SITE: 'datadoghq.eu', DATADOG_API_URL: 'http://127.0.0.1:9999/dd/' })).toBe(
      'http://127.0.0.1:9999/dd/api/v2/logs/events/search',
    );
  });

  it('ignores the DD_SITE variable the library would otherwise read', () => {
    process.env.DD_SITE = 'ddog-gov.com';
    try {
      expect(searchUrl({ DATADOG_SITE: 'datadoghq.eu' })).toBe('https://api.datadoghq.eu/api/v2/logs/events/search');
    } finally {
      delete process.env.DD_SITE;
    }
  });
});

describe('fetchErrorLogs activity', () => {
  let fake: DatadogFake;
  beforeAll(async () => {
    fake = await startDatadogFake();
    for (let i = 0; i < 5; i++)
      fake.addLog({ service: 'orders', message: `KeyError ${i}`, timestamp: new Date(Date.now() - 60_000 + i) });
  });
  afterAll(async () => {
    await fake.close();
  });
  const activities = () =>
    createDatadogActivities({ site: 'datadoghq.com', apiUrl: fake.url, apiKey: fake.apiKey, appKey: fake.appKey });
  const params = { query: 'service:orders status:error', from: 'now-15m', to: 'now', pageSize: 2 };

  it('heartbeats once per page inside an activity', async () => {
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));

    const { fetchErrorLogs } = activities();
    const result = await env.run<[typeof params], FetchErrorLogsResult, typeof fetchErrorLogs>(fetchErrorLogs, params);

    expect(result.events.map((e) => e.message)).toEqual([
      'KeyError 0',
      'KeyError 1',
      'KeyError 2',
      'KeyError 3',
      'KeyError 4',
    ]);
    expect(heartbeats).toEqual([
      { pages: 1, events: 2 },
      { pages: 2, events: 4 },
      { pages: 3, events: 5 },
    ]);
  });

  it('runs outside an activity too', async () => {
    const result = await activities().fetchErrorLogs(params);
    expect(result).toMatchObject({ pages: 3, truncated: false });
  });

  it('cancelling the activity aborts the request in flight', async () => {
    const slow = await startDatadogFake({ apiKey: fake.apiKey, appKey: fake.appKey, latencyMs: 5_000 });
    try {
      const env = new MockActivityEnvironment();
      const { fetchErrorLogs } = createDatadogActivities({
        site: 'datadoghq.com',
        apiUrl: slow.url,
        apiKey: fake.apiKey,
        appKey: fake.appKey,
      });
      const started = Date.now();
      const run = env.run(fetchErrorLogs, params);
      setTimeout(() => env.cancel(), 100);

      const err = await run.then(
        () => undefined,
        (e: unknown) => e,
      );

      // The cancellation itself, not a Datadog failure that would be retried.
      expect(err).toBeInstanceOf(CancelledFailure);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(slow.requests).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('missing keys fail at once with a non-retryable DatadogAuthError', async () => {
    const { fetchErrorLogs } = createDatadogActivities(datadogFromEnv({ DATADOG_API_URL: fake.url }));
    const before = fake.requests.length;

    const err = await fetchErrorLogs(params).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'DatadogAuthError', nonRetryable: true });
    expect((err as Error).message).toContain('DATADOG_API_KEY');
    expect(fake.requests.length).toBe(before);
  });
});
