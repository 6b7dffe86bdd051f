import { describe, expect, it } from 'vitest';
import { logServiceTerm, metricQueryFor, serviceTagValue } from '../../../activities/datadog/metric-query';
import {
  bucketsOf,
  downsample,
  latencyScaleMs,
  meanOver,
  ratePerMinute,
} from '../../../activities/datadog/metric-series';
import { DEFAULT_DATADOG_METRICS } from '../../../infra/platform/config/datadog-metrics-config';
import { failureOf } from '../../support/failure-of';

describe('service names in Datadog queries', () => {
  it('a tag-safe name goes in as Datadog stores it (lowercased)', () => {
    expect(serviceTagValue('Shop-API')).toBe('shop-api');
    expect(serviceTagValue('billing.worker/v2:eu')).toBe('billing.worker/v2:eu');
    expect(serviceTagValue('commandes-élevées')).toBe('commandes-élevées');
  });

  it('characters outside the tag charset become underscores, as at Datadog intake: nothing ends or widens the scope', () => {
    expect(metricQueryFor(DEFAULT_DATADOG_METRICS.errorRate, 'shop api}')).toBe(
      'sum:trace.http.request.errors{service:shop_api_}.as_count()',
    );
    expect(metricQueryFor('avg:x{service:{service},env:prod}', 'a,env:*')).toBe('avg:x{service:a_env:_,env:prod}');
    expect(metricQueryFor('avg:x{service:{service}}', '$& "quoted" \\')).toBe('avg:x{service:____quoted___}');
    // Every placeholder is filled.
    expect(metricQueryFor('sum:a{service:{service}}/sum:b{service:{service}}', 'web')).toBe(
      'sum:a{service:web}/sum:b{service:web}',
    );
  });

  it('a name that cannot be a tag fails the activity, non-retryably', async () => {
    for (const bad of ['', '   ', '***', '{}', 'x'.repeat(200)]) {
      const failure = await failureOf(Promise.resolve().then(() => serviceTagValue(bad)));
      expect(failure).toMatchObject({ type: 'DatadogBadRequest', nonRetryable: true });
    }
  });

  it('the log search term quotes values with the search syntax’s special characters', () => {
    expect(logServiceTerm('shop-api')).toBe('service:shop-api');
    expect(logServiceTerm('billing/v2')).toBe('service:"billing/v2"');
    expect(logServiceTerm('shop api OR *')).toBe('service:shop_api_or__');
  });
});

describe('metric series arithmetic', () => {
  const series = (pointlist: [number, number | null][], interval = 60) =>
    [{ pointlist: pointlist as [number, number][], interval }] as Parameters<typeof bucketsOf>[0];

  it('a bucket straddling the deploy counts for the share of it on each side', () => {
    const buckets = bucketsOf(
      series([
        [0, 6],
        [60_000, 6],
      ]),
      'sum',
      (v) => v,
    );
    // 6 in [0, 60 s) and 6 in [60 s, 120 s); the deploy at 30 s.
    expect(ratePerMinute(buckets, 0, 30_000)).toBe(6);
    expect(ratePerMinute(buckets, 30_000, 120_000)).toBe(6);
    expect(ratePerMinute(buckets, 0, 120_000)).toBe(6);
  });

  it('the interval is read from the spacing of the points when there are several', () => {
    const buckets = bucketsOf(
      series(
        [
          [0, 1],
          [20_000, 1],
          [40_000, 1],
        ],
        999,
      ),
      'sum',
      (v) => v,
    );
    expect(buckets.map((b) => b.intervalMs)).toEqual([20_000, 20_000, 20_000]);
  });

  it('series of a grouped query are summed (counts) or averaged (gauges) per timestamp; nulls are no data', () => {
    const two = [
      ...series([
        [0, 1],
        [60_000, null],
      ]),
      ...series([
        [0, 3],
        [60_000, 4],
      ]),
    ];
    expect(bucketsOf(two, 'sum', (v) => v).map((b) => b.value)).toEqual([4, 4]);
    expect(bucketsOf(two, 'mean', (v) => v).map((b) => b.value)).toEqual([2, 4]);
    expect(
      meanOver(
        bucketsOf(series([[0, null]]), 'mean', (v) => v),
        0,
        60_000,
      ),
    ).toBeUndefined();
  });

  it('downsampling keeps at most the bound, each point the mean of the ones it stands for', () => {
    const points = Array.from({ length: 125 }, (_, i): [number, number] => [i * 1000, i]);
    const down = downsample(points, 60);
    expect(down.length).toBeLessThanOrEqual(60);
    expect(down[0]).toEqual([0, 1]);
    expect(down.at(-1)).toEqual([123_000, 123.5]);
    expect(downsample(points.slice(0, 10), 60)).toEqual(points.slice(0, 10));
  });

  it('latency is read in the unit the series reports, seconds when it names none', () => {
    const withUnit = (name?: string) =>
      [{ pointlist: [], ...(name ? { unit: [{ name }, null] } : {}) }] as unknown as Parameters<
        typeof latencyScaleMs
      >[0];
    expect(latencyScaleMs(withUnit('millisecond'))).toBe(1);
    expect(latencyScaleMs(withUnit('microsecond'))).toBe(0.001);
    expect(latencyScaleMs(withUnit('second'))).toBe(1000);
    expect(latencyScaleMs(withUnit())).toBe(1000);
    expect(latencyScaleMs(withUnit('byte'))).toEqual({ unsupported: 'byte' });
  });
});
