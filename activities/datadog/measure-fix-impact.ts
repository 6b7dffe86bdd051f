import type { v1 } from '@datadog/datadog-api-client';
import { ApplicationFailure } from '@temporalio/common';
import type { DatadogMetricQueries } from '../../infra/platform/config/datadog-metrics-config';
import { DatadogFailureType } from '../../workflows/domain/failures';
import { MAX_IMPACT_POINTS, type FixImpact, type ImpactSeries } from '../../workflows/domain/impact';
import { METRICS_API, toDatadogFailure } from './datadog-failure';
import { metricQueryFor } from './metric-query';
import { bucketsOf, downsample, latencyScaleMs, meanOver, ratePerMinute, rounded, type Bucket } from './metric-series';

export interface MeasureFixImpactInput {
  service: string;
  /** When the fix reached production, ISO-8601. */
  deployedAt: string;
  /** End of the after window, ISO-8601 (usually now). */
  to: string;
  /** Length of the before window, ending at the deploy. */
  beforeMs: number;
}

export interface MeasureFixImpactOptions {
  heartbeat?: (progress: { queried: string }) => void;
  signal?: AbortSignal;
}

/**
 * The service's error rate (and latency) before and after a deploy, from Datadog's Metrics API
 * (`GET /api/v1/query`): one query per metric over both windows, averaged over
 * `[deployedAt - beforeMs, deployedAt)` and `[deployedAt, to]`.
 */
export async function measureFixImpact(
  api: Pick<v1.MetricsApi, 'queryMetrics'>,
  templates: DatadogMetricQueries,
  input: MeasureFixImpactInput,
  options: MeasureFixImpactOptions = {},
): Promise<FixImpact> {
  const deployedAt = Date.parse(input.deployedAt);
  const to = Date.parse(input.to);
  if (!Number.isFinite(deployedAt) || !Number.isFinite(to) || to <= deployedAt || !(input.beforeMs > 0)) {
    throw ApplicationFailure.create({
      message: `measureFixImpact needs deployedAt before to and a positive beforeMs (got ${JSON.stringify(input)})`,
      type: DatadogFailureType.BadRequest,
      nonRetryable: true,
    });
  }
  const from = deployedAt - input.beforeMs;
  const query = (template: string) => {
    const q = metricQueryFor(template, input.service);
    return queryMetric(api, q, from, to, options).then((series) => ({ q, series }));
  };

  const errors = await query(templates.errorRate);
  // `.as_rate()` answers errors per second; `.as_count()` errors per rollup interval.
  const perSecond = /\.as_rate\(\)/.test(errors.q);
  const errorBuckets = bucketsOf(errors.series, 'sum', (v, intervalMs) => (perSecond ? (v * intervalMs) / 1000 : v));
  const errorSeries = perMinute(errorBuckets);

  const latency = templates.latency ? latencyOf(await query(templates.latency), { from, deployedAt, to }) : undefined;

  return {
    errorRate: {
      before: rounded(ratePerMinute(errorBuckets, from, deployedAt)),
      after: rounded(ratePerMinute(errorBuckets, deployedAt, to)),
      unit: 'per-minute',
    },
    ...(latency?.figures ? { latency: latency.figures } : {}),
    series: { errorRate: errorSeries, ...(latency ? { latency: latency.series } : {}) },
    queries: { errorRate: errors.q, ...(latency ? { latency: latency.q } : {}) },
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
}

/** A latency series in milliseconds, and its means before and after when both windows had data. */
function latencyOf(
  measured: { q: string; series: v1.MetricsQueryMetadata[] },
  w: { from: number; deployedAt: number; to: number },
): { q: string; series: ImpactSeries; figures?: FixImpact['latency'] } {
  const scale = latencyScaleMs(measured.series);
  if (typeof scale !== 'number') {
    throw ApplicationFailure.create({
      message: `DATADOG_LATENCY_METRIC answers in ${scale.unsupported}, not a unit of time: ${measured.q}`,
      type: DatadogFailureType.BadRequest,
      nonRetryable: true,
    });
  }
  const buckets = bucketsOf(measured.series, 'mean', (v) => v * scale);
  const before = meanOver(buckets, w.from, w.deployedAt);
  const after = meanOver(buckets, w.deployedAt, w.to);
  return {
    q: measured.q,
    series: downsample(
      buckets.map((b) => [b.at, b.value]),
      MAX_IMPACT_POINTS,
    ),
    ...(before !== undefined && after !== undefined
      ? { figures: { before: rounded(before), after: rounded(after), unit: 'ms' as const } }
      : {}),
  };
}

/** Counts per bucket as errors per minute, downsampled for the history. */
function perMinute(buckets: Bucket[]): ImpactSeries {
  return downsample(
    buckets.map((b) => [b.at, (b.value * 60_000) / b.intervalMs]),
    MAX_IMPACT_POINTS,
  );
}

async function queryMetric(
  api: Pick<v1.MetricsApi, 'queryMetrics'>,
  query: string,
  from: number,
  to: number,
  options: MeasureFixImpactOptions,
): Promise<v1.MetricsQueryMetadata[]> {
  options.signal?.throwIfAborted();
  let response: v1.MetricsQueryResponse;
  try {
    // The API takes whole seconds: widen to cover both windows.
    response = await api.queryMetrics({ from: Math.floor(from / 1000), to: Math.ceil(to / 1000), query });
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    throw toDatadogFailure(err, METRICS_API);
  }
  options.heartbeat?.({ queried: query });
  // A 200 can still say the query failed (`status: "error"` with `error`).
  if (response.error || (response.status && response.status !== 'ok')) {
    throw ApplicationFailure.create({
      message: `Datadog Metrics API could not run ${query}: ${response.error ?? response.status}`,
      type: DatadogFailureType.BadRequest,
      nonRetryable: true,
    });
  }
  return response.series ?? [];
}
