import { client, logger as datadogLogger, v1, v2 } from '@datadog/datadog-api-client';

// The library logs every failed request on its own; here each failure already becomes an activity failure.
(datadogLogger as { setLevel(level: string): void }).setLevel('silent');
import type { Config } from '../../infra/platform/config/load-config';

export type DatadogConfig = Config['datadog'];

/**
 * The API base URL for a Datadog site: `DATADOG_API_URL` wins (a proxy or a fake),
 * otherwise `https://api.<site>`. Tolerates a site pasted as `app.datadoghq.eu` or a URL.
 */
export function datadogBaseUrl(config: Pick<DatadogConfig, 'site' | 'apiUrl'>): string {
  if (config.apiUrl) return config.apiUrl.replace(/\/+$/, '');
  const site = config.site
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^(app|api)\./, '');
  return `https://api.${site}`;
}

/**
 * A non-2xx answer, with the response headers the library's `ApiException` drops
 * (the rate-limit reset time lives in `X-RateLimit-Reset`).
 */
export class DatadogHttpError extends Error {
  constructor(
    readonly status: number,
    /** Lower-cased header names. */
    readonly headers: Record<string, string>,
    readonly bodyText: string,
  ) {
    super(`Datadog answered HTTP ${status}: ${bodyText.slice(0, 300)}`);
    this.name = 'DatadogHttpError';
  }
}

/**
 * The library's own fetch transport, except that an error status throws a
 * `DatadogHttpError` carrying the headers. Per-response, so concurrent calls on
 * one client cannot see each other's headers.
 */
class HeaderKeepingHttpLibrary extends client.IsomorphicFetchHttpLibrary {
  override async send(request: client.RequestContext): Promise<client.ResponseContext> {
    const response = await super.send(request);
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return response;
    const bodyText = await response.body.text().catch(() => '');
    throw new DatadogHttpError(response.httpStatusCode, response.headers, bodyText);
  }
}

export interface DatadogClientOptions {
  /** Aborts in-flight requests (e.g. the activity's cancellation signal). */
  signal?: AbortSignal;
}

/** The library configuration: explicit base URL and keys, library retries off. */
export function createDatadogConfiguration(
  config: DatadogConfig,
  options: DatadogClientOptions = {},
): client.Configuration {
  return client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(datadogBaseUrl(config), {}),
    // Explicit keys (even undefined) keep the library from reading DD_API_KEY / DD_APP_KEY itself.
    authMethods: { apiKeyAuth: config.apiKey, appKeyAuth: config.appKey },
    httpApi: new HeaderKeepingHttpLibrary(),
    // Retrying is the Temporal activity retry policy's job.
    enableRetry: false,
    ...(options.signal ? { httpConfig: { signal: options.signal } } : {}),
  });
}

/** A Logs API v2 client for the configured site. */
export function createDatadogLogsApi(config: DatadogConfig, options: DatadogClientOptions = {}): v2.LogsApi {
  return new v2.LogsApi(createDatadogConfiguration(config, options));
}

/** A Metrics API v1 client (timeseries queries) for the configured site. */
export function createDatadogMetricsApi(config: DatadogConfig, options: DatadogClientOptions = {}): v1.MetricsApi {
  return new v1.MetricsApi(createDatadogConfiguration(config, options));
}
