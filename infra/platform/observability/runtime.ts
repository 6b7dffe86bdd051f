/**
 * The Temporal Runtime of a process that runs a worker: its logs go through pino as
 * JSON lines, and its metrics (the SDK's own and the runs' metrics from
 * workflows/domain/run-metrics.ts) are served in Prometheus format by the runtime itself.
 */
import { makeTelemetryFilterString, Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { Logger } from '@temporalio/common';
import { RUN_METRIC_BUCKETS } from '../../../workflows/domain/run-metrics';
import { temporalLogger } from './temporal-logger';
import { ConfigError } from '../config/load-config';

export interface ObservedRuntimeOptions {
  /** Where the runtime serves /metrics; none: no metrics exporter. */
  metricsAddress?: string;
  logger?: Logger;
  shutdownSignals?: NodeJS.Signals[];
  /** Threshold for the SDK core's own log lines, forwarded to `logger`. */
  coreLogLevel?: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
}

/** Installs the process's Temporal Runtime (once, before any worker or NativeConnection). Returns the URL to scrape. */
export function installObservedRuntime(opts: ObservedRuntimeOptions = {}): { metricsUrl?: string } {
  const options: RuntimeOptions = {
    logger: opts.logger ?? temporalLogger(),
    ...(opts.shutdownSignals ? { shutdownSignals: opts.shutdownSignals } : {}),
    telemetryOptions: {
      logging: {
        filter: makeTelemetryFilterString({ core: opts.coreLogLevel ?? 'WARN', other: 'ERROR' }),
        forward: {},
      },
      ...(opts.metricsAddress
        ? {
            metrics: { prometheus: { bindAddress: opts.metricsAddress, histogramBucketOverrides: RUN_METRIC_BUCKETS } },
          }
        : {}),
    },
  };
  try {
    Runtime.install(options);
  } catch (err) {
    const why = (err as Error).message;
    // The exporter's bind fails inside the SDK's core with the OS's words only: name the setting.
    if (opts.metricsAddress && /address already in use|address not available|permission denied/i.test(why))
      throw new ConfigError([
        `WORKER_METRICS_ADDRESS=${opts.metricsAddress}: the worker's metrics cannot be served there (${why}). Set WORKER_METRICS_ADDRESS to a free host:port, or off for none.`,
      ]);
    throw err;
  }
  return opts.metricsAddress ? { metricsUrl: scrapeUrl(opts.metricsAddress) } : {};
}

/** A wildcard bind address is scraped on loopback. */
function scrapeUrl(address: string): string {
  const local = address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${local}/metrics`;
}
