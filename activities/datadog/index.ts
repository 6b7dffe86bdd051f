import { ApplicationFailure } from '@temporalio/common';
import { createDatadogLogsApi, createDatadogMetricsApi, type DatadogConfig } from './client';
import { DatadogFailureType } from '../../workflows/domain/failures';
import { searchErrorLogs, type SearchErrorLogsParams, type SearchErrorLogsResult } from './search-error-logs';
import { currentActivity } from '../activity-context';
import { DEFAULT_DATADOG_METRICS } from '../../infra/platform/config/datadog-metrics-config';
import type { FixImpact } from '../../workflows/domain/impact';
import { measureFixImpact, type MeasureFixImpactInput } from './measure-fix-impact';

export { datadogBaseUrl } from './client';
export type { MeasureFixImpactInput } from './measure-fix-impact';
export type { FindNewErrorsInput } from './find-new-errors';
export type {
  SearchErrorLogsParams as FetchErrorLogsParams,
  SearchErrorLogsResult as FetchErrorLogsResult,
} from './search-error-logs';

const requireKeys = (config: DatadogConfig, what: string) => {
  if (!config.apiKey || !config.appKey) {
    throw ApplicationFailure.nonRetryable(
      `Datadog is not configured: set DATADOG_API_KEY and DATADOG_APP_KEY to ${what}.`,
      DatadogFailureType.Auth,
    );
  }
};

/** Datadog activities bound to the service configuration. */
export function createDatadogActivities(config: DatadogConfig) {
  return {
    /**
     * Error logs in an alert's window, oldest first. Fails with `DatadogAuthError`
     * (non-retryable) when keys are missing or rejected, so the workflow can carry on
     * with the webhook's data alone.
     */
    async fetchErrorLogs(params: SearchErrorLogsParams): Promise<SearchErrorLogsResult> {
      requireKeys(config, 'fetch logs');
      const ctx = currentActivity();
      const signal = ctx?.cancellationSignal;
      // A client per call, so the activity's cancellation also aborts the request in flight.
      const api = createDatadogLogsApi(config, signal ? { signal } : {});
      return searchErrorLogs(api, params, {
        ...(ctx ? { heartbeat: (progress) => ctx.heartbeat(progress), signal } : {}),
      });
    },

    /**
     * The service's error rate and latency before and after a deploy, from the Metrics API, with the
     * queries of DATADOG_ERROR_RATE_METRIC / DATADOG_LATENCY_METRIC. Keys missing or rejected: a
     * non-retryable `DatadogAuthError`.
     */
    async measureFixImpact(input: MeasureFixImpactInput): Promise<FixImpact> {
      requireKeys(config, 'read metrics');
      const ctx = currentActivity();
      const signal = ctx?.cancellationSignal;
      const api = createDatadogMetricsApi(config, signal ? { signal } : {});
      return measureFixImpact(api, config.metrics ?? DEFAULT_DATADOG_METRICS, input, {
        ...(ctx ? { heartbeat: (progress) => ctx.heartbeat(progress), signal } : {}),
      });
    },
  };
}

export type DatadogActivities = ReturnType<typeof createDatadogActivities>;
