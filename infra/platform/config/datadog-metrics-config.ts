import { ConfigError } from './load-config';

/**
 * The Datadog metric queries that measure a deploy's effect on a service (Metrics API v1,
 * `GET /api/v1/query`). `{service}` stands for the service's tag value, escaped for the query.
 */
export interface DatadogMetricQueries {
  /**
   * The service's errors, ending in `.as_count()` (errors per rollup interval, read with the series'
   * interval) or `.as_rate()` (errors per second). Reported as errors per minute either way.
   */
  errorRate: string;
  /**
   * The service's latency, a gauge in the unit the series reports (`unit[0]`; seconds when it
   * names none, as APM's `trace.*.duration` is). Absent: latency is not measured.
   */
  latency?: string;
}

/** APM's trace metrics of a web service's HTTP requests (`trace.<operation>.errors` / `.duration`). */
export const DEFAULT_DATADOG_METRICS: Required<DatadogMetricQueries> = {
  errorRate: 'sum:trace.http.request.errors{service:{service}}.as_count()',
  latency: 'avg:trace.http.request.duration{service:{service}}',
};

const PLACEHOLDER = '{service}';

type Env = Record<string, string | undefined>;

/** DATADOG_ERROR_RATE_METRIC and DATADOG_LATENCY_METRIC (empty or `off`: no latency), checked. */
export function datadogMetricsFrom(env: Env): DatadogMetricQueries {
  const problems: string[] = [];
  const errorRate = env.DATADOG_ERROR_RATE_METRIC?.trim() || DEFAULT_DATADOG_METRICS.errorRate;
  if (!errorRate.includes(PLACEHOLDER))
    problems.push(`DATADOG_ERROR_RATE_METRIC=${JSON.stringify(errorRate)}: must contain ${PLACEHOLDER}`);
  if (!/\.as_(?:count|rate)\(\)/.test(errorRate))
    problems.push(
      `DATADOG_ERROR_RATE_METRIC=${JSON.stringify(errorRate)}: must say .as_count() or .as_rate(), so the errors per minute can be read from it`,
    );

  const rawLatency = env.DATADOG_LATENCY_METRIC;
  const off = rawLatency !== undefined && ['', 'off'].includes(rawLatency.trim().toLowerCase());
  const latency = off ? undefined : rawLatency?.trim() || DEFAULT_DATADOG_METRICS.latency;
  if (latency !== undefined && !latency.includes(PLACEHOLDER))
    problems.push(`DATADOG_LATENCY_METRIC=${JSON.stringify(latency)}: must contain ${PLACEHOLDER} (or be off)`);

  if (problems.length) throw new ConfigError(problems);
  return { errorRate, ...(latency !== undefined ? { latency } : {}) };
}
