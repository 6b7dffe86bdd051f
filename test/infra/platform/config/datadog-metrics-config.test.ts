import { describe, expect, it } from 'vitest';
import { DEFAULT_DATADOG_METRICS, datadogMetricsFrom } from '../../../../infra/platform/config/datadog-metrics-config';
import { ConfigError, loadConfig } from '../../../../infra/platform/config/load-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    datadogMetricsFrom(env);
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.problems : [String(err)];
  }
};

const configFile = {
  temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'bugfix', uiUrl: 'http://127.0.0.1:8233' },
  devServer: { enabled: true, cliVersion: '1.5.1', dbFilename: '.data/temporal.db', uiPort: 8233, logLevel: 'error' },
};

describe('datadogMetricsFrom: the metric queries that measure a deploy', () => {
  it('defaults to APM trace metrics, latency on', () => {
    expect(datadogMetricsFrom({})).toEqual(DEFAULT_DATADOG_METRICS);
    expect(loadConfig(configFile, {}).datadog.metrics).toEqual(DEFAULT_DATADOG_METRICS);
  });

  it('reads both variables; DATADOG_LATENCY_METRIC empty or off turns latency off', () => {
    expect(
      datadogMetricsFrom({
        DATADOG_ERROR_RATE_METRIC: 'sum:trace.rack.request.errors{service:{service},env:prod}.as_rate()',
        DATADOG_LATENCY_METRIC: 'p95:trace.rack.request{service:{service}}',
      }),
    ).toEqual({
      errorRate: 'sum:trace.rack.request.errors{service:{service},env:prod}.as_rate()',
      latency: 'p95:trace.rack.request{service:{service}}',
    });
    expect(datadogMetricsFrom({ DATADOG_LATENCY_METRIC: '' })).toEqual({
      errorRate: DEFAULT_DATADOG_METRICS.errorRate,
    });
    expect(datadogMetricsFrom({ DATADOG_LATENCY_METRIC: ' OFF ' })).toEqual({
      errorRate: DEFAULT_DATADOG_METRICS.errorRate,
    });
  });

  it('names the variable of every problem, and loadConfig reports them', () => {
    expect(
      problemsOf({ DATADOG_ERROR_RATE_METRIC: 'sum:trace.http.request.errors{*}', DATADOG_LATENCY_METRIC: 'avg:x{*}' }),
    ).toEqual([
      'DATADOG_ERROR_RATE_METRIC="sum:trace.http.request.errors{*}": must contain {service}',
      'DATADOG_ERROR_RATE_METRIC="sum:trace.http.request.errors{*}": must say .as_count() or .as_rate(), so the errors per minute can be read from it',
      'DATADOG_LATENCY_METRIC="avg:x{*}": must contain {service} (or be off)',
    ]);
    expect(() => loadConfig(configFile, { DATADOG_ERROR_RATE_METRIC: 'sum:e{service:{service}}' })).toThrow(
      /DATADOG_ERROR_RATE_METRIC.*as_count/,
    );
  });
});
