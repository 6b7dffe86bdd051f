import { ApplicationFailure } from '@temporalio/common';
import { createDatadogLogsApi, type DatadogConfig } from './client';
import { DatadogFailureType } from '../../workflows/domain/failures';
import { searchErrorLogs, type SearchErrorLogsParams, type SearchErrorLogsResult } from './search-error-logs';
import { currentActivity } from '../activity-context';

export { datadogBaseUrl } from './client';
export type {
  SearchErrorLogsParams as FetchErrorLogsParams,
  SearchErrorLogsResult as FetchErrorLogsResult,
} from './search-error-logs';

/** Datadog activities bound to the service configuration. */
export function createDatadogActivities(config: DatadogConfig) {
  return {
    /**
     * Error logs in an alert's window, oldest first. Fails with `DatadogAuthError`
     * (non-retryable) when keys are missing or rejected, so the workflow can carry on
     * with the webhook's data alone.
     */
    async fetchErrorLogs(params: SearchErrorLogsParams): Promise<SearchErrorLogsResult> {
      if (!config.apiKey || !config.appKey) {
        throw ApplicationFailure.nonRetryable(
          'Datadog is not configured: set DATADOG_API_KEY and DATADOG_APP_KEY to fetch logs.',
          DatadogFailureType.Auth,
        );
      }
      const ctx = currentActivity();
      const signal = ctx?.cancellationSignal;
      // A client per call, so the activity's cancellation also aborts the request in flight.
      const api = createDatadogLogsApi(config, signal ? { signal } : {});
      return searchErrorLogs(api, params, {
        ...(ctx ? { heartbeat: (progress) => ctx.heartbeat(progress), signal } : {}),
      });
    },
  };
}

export type DatadogActivities = ReturnType<typeof createDatadogActivities>;
