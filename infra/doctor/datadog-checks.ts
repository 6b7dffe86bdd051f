import { client, v1 } from '@datadog/datadog-api-client';
import {
  createDatadogConfiguration,
  createDatadogLogsApi,
  createDatadogMetricsApi,
  datadogBaseUrl,
  DatadogHttpError,
} from '../../activities/datadog/client';
import type { Config } from '../platform/config/load-config';
import { fail, messageOf, notSet, ok, skip, type DoctorCheck, type Outcome } from './check';
import { configCheck } from './config-check';

const reachHint = (config: Config) =>
  `check DATADOG_SITE (now ${config.datadog.site}) or DATADOG_API_URL, and the network path to ${datadogBaseUrl(config.datadog)}`;

function statusOf(err: unknown): number | undefined {
  if (err instanceof DatadogHttpError) return err.status;
  if (err instanceof client.ApiException) return err.code;
  return undefined;
}

/** A refused application-key call: the key is wrong, or lacks the scope the call needs. */
function appKeyFailure(what: string, scope: string, err: unknown, config: Config): Outcome {
  const status = statusOf(err);
  if (status === 401 || status === 403)
    return fail(
      `${what}: HTTP ${status} (wrong application key, or it lacks ${scope})`,
      `set DATADOG_APP_KEY to an application key with the ${scope} scope (and DATADOG_API_KEY of the same organization)`,
    );
  return fail(`${what}: ${status ? `HTTP ${status}` : messageOf(err)}`, reachHint(config));
}

/** The application key is reported by the logs check, the API key by its own. */
const needsKeys = (config: Config, reportsAppKey: boolean): Outcome | undefined => {
  if (!config.datadog.appKey)
    return reportsAppKey
      ? fail('DATADOG_APP_KEY is not set', 'set DATADOG_APP_KEY (Organization Settings → Application Keys)')
      : notSet('DATADOG_APP_KEY');
  return config.datadog.apiKey ? undefined : notSet('DATADOG_API_KEY');
};

export function datadogChecks(): DoctorCheck[] {
  return [
    {
      id: 'datadog.api-key',
      group: 'datadog',
      fast: false,
      timeoutHint: 'check DATADOG_SITE / DATADOG_API_URL and the network path to Datadog',
      precondition: (config) =>
        config.datadog.apiKey
          ? undefined
          : fail('DATADOG_API_KEY is not set', 'set DATADOG_API_KEY (Organization Settings → API Keys)'),
      async run({ config, signal }) {
        try {
          const answer = await new v1.AuthenticationApi(
            createDatadogConfiguration(config.datadog, { signal }),
          ).validate();
          if (answer.valid) return ok(`API key valid at ${datadogBaseUrl(config.datadog)}`);
          return fail('GET /api/v1/validate: the API key is not valid', 'set DATADOG_API_KEY');
        } catch (err) {
          const status = statusOf(err);
          if (status === 403 || status === 401)
            return fail(
              `GET /api/v1/validate: HTTP ${status} (the API key is not valid on ${config.datadog.site})`,
              'set DATADOG_API_KEY to a key of this organization, and DATADOG_SITE to its site (e.g. datadoghq.eu)',
            );
          return fail(`GET /api/v1/validate: ${status ? `HTTP ${status}` : messageOf(err)}`, reachHint(config));
        }
      },
    },
    {
      id: 'datadog.logs',
      group: 'datadog',
      fast: false,
      timeoutHint: 'check DATADOG_SITE / DATADOG_API_URL and the network path to Datadog',
      precondition: (config) => needsKeys(config, true),
      async run({ config, signal }) {
        // The smallest search there is: one event of the last minute.
        try {
          const answer = await createDatadogLogsApi(config.datadog, { signal }).listLogs({
            body: { filter: { query: '*', from: 'now-1m', to: 'now' }, page: { limit: 1 } },
          });
          const n = answer.data?.length ?? 0;
          return ok(`logs search answered (${n ? 'an event' : 'no event'} in the last minute)`);
        } catch (err) {
          return appKeyFailure('logs search', 'logs_read_data', err, config);
        }
      },
    },
    {
      id: 'datadog.metrics',
      group: 'datadog',
      fast: false,
      timeoutHint: 'check DATADOG_SITE / DATADOG_API_URL and the network path to Datadog',
      precondition: (config) =>
        config.afterDeploy.impact
          ? needsKeys(config, false)
          : skip('IMPACT_WINDOW=off: no before/after figures are read'),
      async run({ config, signal }) {
        const to = Math.floor(Date.now() / 1000);
        try {
          await createDatadogMetricsApi(config.datadog, { signal }).queryMetrics({
            from: to - 60,
            to,
            query: 'avg:datadog.estimated_usage.hosts{*}',
          });
          return ok('metrics query answered (GET /api/v1/query)');
        } catch (err) {
          return appKeyFailure('metrics query', 'timeseries_query', err, config);
        }
      },
    },
    configCheck('datadog.webhook-token', 'datadog', (config) =>
      config.datadog.webhookToken
        ? ok('DATADOG_WEBHOOK_TOKEN is set')
        : fail(
            'DATADOG_WEBHOOK_TOKEN is not set: the ingress refuses every alert (503)',
            "set DATADOG_WEBHOOK_TOKEN, and the same value in the Datadog webhook's Authorization header (infra/datadog/README.md)",
          ),
    ),
  ];
}
