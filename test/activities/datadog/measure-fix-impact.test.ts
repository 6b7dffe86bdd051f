import { describe, expect, it } from 'vitest';
import { createDatadogActivities } from '../../../activities/datadog';
import { createDatadogMetricsApi, type DatadogConfig } from '../../../activities/datadog/client';
import { MAX_IMPACT_POINTS } from '../../../workflows/domain/impact';
import type { DatadogFake } from '../../fakes/datadog-fake';
import { datadogFakePerTest } from '../../support/datadog-per-test';
import { failureOf } from '../../support/failure-of';

let fake: DatadogFake;
let service: string;
datadogFakePerTest('impact-svc', (f, s) => {
  fake = f;
  service = s;
});

const MIN = 60_000;
const deployedAt = Date.parse('2024-05-01T10:20:00.000Z');
const at = (minutesFromDeploy: number) => deployedAt + minutesFromDeploy * MIN;
const iso = (t: number) => new Date(t).toISOString();

const datadog = (over: Partial<DatadogConfig> = {}): DatadogConfig => ({
  site: 'datadoghq.com',
  apiUrl: fake.url,
  apiKey: fake.apiKey,
  appKey: fake.appKey,
  ...over,
});
const measure = (over: Partial<DatadogConfig> = {}, input: { beforeMs?: number; to?: number } = {}) =>
  createDatadogActivities(datadog(over)).measureFixImpact({
    service,
    deployedAt: iso(deployedAt),
    to: iso(input.to ?? at(10)),
    beforeMs: input.beforeMs ?? 10 * MIN,
  });

/** Errors of the service at these times; returns them for the expected figures. */
const sendErrors = (times: number[]) => {
  for (const t of times) fake.addLog({ service, message: `boom at ${iso(t)}`, timestamp: t });
  return times;
};
const perMinute = (times: number[], from: number, to: number) =>
  times.filter((t) => t >= from && t < to).length / ((to - from) / MIN);

describe('measureFixImpact: error rate and latency around a deploy, from the Metrics API fake', () => {
  it('the before and after error rates are the errors sent per minute in each window', async () => {
    // Ten errors in the ten minutes before the deploy, one after; and some that must not count.
    const sent = sendErrors([...Array.from({ length: 10 }, (_, i) => at(-10 + i) + 30_000), at(4) + 5_000]);
    fake.addLog({ service, message: 'long before', timestamp: at(-30) });
    fake.addLog({ service, status: 'info', message: 'not an error', timestamp: at(2) });
    fake.addLog({ service: `${service}-other`, message: 'another service', timestamp: at(3) });

    const impact = await measure();

    expect(impact.errorRate).toEqual({
      before: perMinute(sent, at(-10), deployedAt),
      after: perMinute(sent, deployedAt, at(10)),
      unit: 'per-minute',
    });
    expect(impact.errorRate).toMatchObject({ before: 1, after: 0.1 });
    expect(impact.from).toBe(iso(at(-10)));
    expect(impact.to).toBe(iso(at(10)));
    expect(impact.queries.errorRate).toBe(`sum:trace.http.request.errors{service:${service}}.as_count()`);

    // The series holds the same errors: per-minute values over its interval add up to what was sent.
    const series = impact.series.errorRate;
    const stepMs = series[1]![0] - series[0]![0];
    const total = series.reduce((sum, [, perMin]) => sum + (perMin * stepMs) / MIN, 0);
    expect(total).toBeCloseTo(sent.length, 6);
    expect(series[0]![0]).toBe(at(-10));

    // What went over the wire: the documented GET with epoch seconds.
    const url = new URL(fake.requests[0]!.url, fake.url);
    expect(fake.requests[0]!.method).toBe('GET');
    expect(url.pathname).toBe('/api/v1/query');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: String(at(-10) / 1000),
      to: String(at(10) / 1000),
      query: impact.queries.errorRate,
    });
    expect(fake.requests[0]!.headers).toMatchObject({ 'dd-api-key': fake.apiKey, 'dd-application-key': fake.appKey });
  });

  it('an .as_rate() query (errors per second) gives the same errors per minute', async () => {
    const sent = sendErrors([at(-9), at(-8), at(-8) + 10_000, at(-1), at(1), at(2), at(7) + 40_000]);

    const impact = await measure({
      metrics: { errorRate: 'sum:trace.http.request.errors{service:{service}}.as_rate()' },
    });

    expect(impact.errorRate.before).toBeCloseTo(perMinute(sent, at(-10), deployedAt), 4);
    expect(impact.errorRate.after).toBeCloseTo(perMinute(sent, deployedAt, at(10)), 4);
    expect(impact.errorRate.before).toBeCloseTo(0.4, 4);
    expect(impact.errorRate.after).toBeCloseTo(0.3, 4);
  });

  it('latency comes from the series, converted from the seconds APM reports to milliseconds', async () => {
    fake.setLatency(service, [
      { from: at(-60), valueMs: 250 },
      { from: deployedAt, valueMs: 120 },
    ]);

    const impact = await measure();

    expect(impact.latency).toEqual({ before: 250, after: 120, unit: 'ms' });
    expect(impact.queries.latency).toBe(`avg:trace.http.request.duration{service:${service}}`);
    expect(impact.series.latency?.[0]).toEqual([at(-10), 250]);
    expect(impact.series.latency?.at(-1)?.[1]).toBe(120);
    // No errors at all: Datadog answers no series, and the rate is none.
    expect(impact.errorRate).toMatchObject({ before: 0, after: 0 });
    expect(impact.series.errorRate).toEqual([]);
  });

  it('gaps in the latency series (null points) are left out of the averages', async () => {
    // Every other minute has no data before the deploy; after it, latency climbs.
    fake.setLatency(service, (t) =>
      t.getTime() < deployedAt
        ? Math.floor(t.getTime() / MIN) % 2
          ? null
          : 300
        : 100 + (t.getTime() - deployedAt) / 1000,
    );

    const impact = await measure();

    expect(impact.latency?.before).toBe(300);
    // Each 20 s interval's mean (the avg rollup) over the ten minutes after: 100 + 9.5, 29.5, ..., 589.5 s → 399.5.
    expect(impact.latency?.after).toBe(399.5);
  });

  it('a long window is downsampled: the series recorded in history stay within the bound', async () => {
    const sent = sendErrors(Array.from({ length: 72 }, (_, i) => at(-360 + i * 5) + 1_000));
    fake.setLatency(service, (t) => 200 + (t.getTime() % 7));

    const impact = await measure({}, { beforeMs: 360 * MIN });

    expect(fake.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(impact.series.errorRate.length).toBeLessThanOrEqual(MAX_IMPACT_POINTS);
    expect(impact.series.errorRate.length).toBeGreaterThan(MAX_IMPACT_POINTS / 2);
    expect(impact.series.latency!.length).toBeLessThanOrEqual(MAX_IMPACT_POINTS);
    expect(impact.errorRate.before).toBeCloseTo(perMinute(sent, at(-360), deployedAt), 4);
    expect(impact.errorRate.after).toBe(0);
  });

  it('latency off (no latency query): one query, no latency figures', async () => {
    sendErrors([at(-5)]);
    const impact = await measure({
      metrics: { errorRate: 'sum:trace.http.request.errors{service:{service}}.as_count()' },
    });
    expect(impact.latency).toBeUndefined();
    expect(impact.queries.latency).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
    expect(impact.errorRate.before).toBeCloseTo(0.1, 6);
  });

  it('a wrong application key is a non-retryable DatadogAuthError naming the scope the key needs', async () => {
    const failure = await failureOf(measure({ appKey: 'not-the-key' }));
    expect(failure).toMatchObject({ type: 'DatadogAuthError', nonRetryable: true });
    expect(failure.message).toContain('HTTP 403');
    expect(failure.message).toContain('timeseries_query');
    expect(fake.requests.map((r) => r.status)).toEqual([403]);
  });

  it('a query Datadog cannot parse is a non-retryable DatadogBadRequest', async () => {
    const failure = await failureOf(measure({ metrics: { errorRate: 'sum:{service:{service}}.as_count()' } }));
    expect(failure).toMatchObject({ type: 'DatadogBadRequest', nonRetryable: true });
    expect(failure.message).toContain('Error parsing query');
  });

  it('a Metrics API outage is a retryable DatadogUnavailable', async () => {
    fake.failNext(503);
    const failure = await failureOf(measure());
    expect(failure).toMatchObject({ type: 'DatadogUnavailable', nonRetryable: false });
    expect(failure.message).toContain('Metrics API');
  });

  it('a service name that is not a tag is escaped the way Datadog stores it, never widening the scope', async () => {
    const impact = await createDatadogActivities(datadog()).measureFixImpact({
      service: 'Shop API},env:*',
      deployedAt: iso(deployedAt),
      to: iso(at(10)),
      beforeMs: 10 * MIN,
    });
    expect(impact.queries.errorRate).toBe('sum:trace.http.request.errors{service:shop_api__env:_}.as_count()');
  });
});

describe('the fake speaks the documented Metrics API: the real client deserializes it field by field', () => {
  it('GET /api/v1/query answers a MetricsQueryResponse with nothing undocumented', async () => {
    sendErrors([at(-3), at(-3) + 1_000, at(2)]);
    const api = createDatadogMetricsApi(datadog());
    const query = `sum:trace.http.request.errors{service:${service}}.as_count()`;

    const response = await api.queryMetrics({ from: at(-10) / 1000, to: at(10) / 1000, query });

    expect(response).toMatchObject({
      status: 'ok',
      resType: 'time_series',
      query,
      fromDate: at(-10),
      toDate: at(10),
      message: '',
      groupBy: [],
    });
    expect(response.additionalProperties).toBeUndefined();
    const series = response.series![0]!;
    expect(series.additionalProperties).toBeUndefined();
    expect(series).toMatchObject({
      metric: 'trace.http.request.errors',
      displayName: 'trace.http.request.errors',
      expression: query,
      scope: `service:${service}`,
      aggr: 'sum',
      interval: 20,
      length: 60,
      start: at(-10),
      end: at(10) - 1_000,
    });
    expect(series.unit?.[0]).toMatchObject({ family: 'general', name: 'error', scaleFactor: 1 });
    expect(series.pointlist).toHaveLength(60);
    expect(series.pointlist!.find(([t]) => t === at(-3))).toEqual([at(-3), 2]);
    expect(series.pointlist!.reduce((sum, [, v]) => sum + v, 0)).toBe(3);
  });

  it('a latency series is in seconds and says so; an unknown metric has no series', async () => {
    fake.setLatency(service, () => 1_500);
    const api = createDatadogMetricsApi(datadog());
    const latency = await api.queryMetrics({
      from: at(-1) / 1000,
      to: at(1) / 1000,
      query: `avg:trace.http.request.duration{service:${service}}`,
    });
    expect(latency.series![0]!.unit?.[0]).toMatchObject({ family: 'time', name: 'second' });
    expect(latency.series![0]!.unit?.[1]).toBeNull();
    expect(new Set(latency.series![0]!.pointlist!.map(([, v]) => v))).toEqual(new Set([1.5]));

    const unknown = await api.queryMetrics({ from: at(-1) / 1000, to: at(1) / 1000, query: 'avg:no.such.metric{*}' });
    expect(unknown.series).toEqual([]);
  });

  it('from after to is a 400 with Datadog error body', async () => {
    const api = createDatadogMetricsApi(datadog());
    const err = await api.queryMetrics({ from: 200, to: 100, query: 'avg:system.load.1{*}' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(JSON.parse((err as { bodyText: string }).bodyText)).toEqual({ errors: ["'from' must be before 'to'"] });
  });
});
