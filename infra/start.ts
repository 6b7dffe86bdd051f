/**
 * `npm start`: the whole service on one machine. Without TEMPORAL_ADDRESS it runs the
 * embedded Temporal dev server (SQLite file, Web UI); then the worker and the API.
 * Ctrl-C stops the API, then the worker (in-flight activities finish or are handed
 * back to Temporal), then the dev server.
 */
import { ConfigError, type Config } from './platform/config/load-config';
import { readConfig } from './platform/config/read-config';
import { ensureTemporalCli } from './temporal/ensure-cli';
import { missingSandboxPackages } from './sandbox/ensure-sandbox';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { createClient } from './platform/temporal-connection';
import { addMissingSearchAttributes } from './temporal/register-search-attributes';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/domain/search-attributes';
import { createWorker } from '../workers/create-worker';
import { startApi } from '../api/main';
import { installObservedRuntime } from './platform/observability/runtime';
import { ensureSchedulesAtStart } from './temporal/schedules';
import { startupDoctor } from './doctor/startup-doctor';

async function main(): Promise<void> {
  let config: Config;
  let runtime: { metricsUrl?: string };
  try {
    config = readConfig();
    // We own shutdown order: the SDK must not stop the worker on its own when Ctrl-C arrives.
    // Logs are JSON (pino); the worker's metrics are also appended to the API's GET /metrics.
    runtime = installObservedRuntime({
      shutdownSignals: [],
      ...(config.worker.metricsAddress ? { metricsAddress: config.worker.metricsAddress } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  let devServer: DevServer | undefined;
  if (config.devServer.enabled) {
    const cli = await ensureTemporalCli({
      version: config.devServer.cliVersion,
      ...(config.devServer.cliPath ? { cliPath: config.devServer.cliPath } : {}),
    });
    console.log(`Starting Temporal dev server (${cli}), data in ${config.devServer.dbFilename}`);
    devServer = await startDevServer(cli, config);
  }
  try {
    await serve(config, runtime, devServer);
  } catch (err) {
    // The dev server runs in its own process group: it would outlive us, holding its ports and database.
    await devServer?.stop();
    throw err;
  }
}

/** Everything after the dev server: search attributes, schedules, the worker and the API, until Ctrl-C. */
async function serve(
  config: Config,
  runtime: { metricsUrl?: string },
  devServer: DevServer | undefined,
): Promise<void> {
  // A namespace created before an attribute was added lacks it, and runs that set it would stall.
  const added = await addMissingSearchAttributes(config.temporal).catch((err: Error) => {
    console.warn(
      `Could not check the namespace's search attributes (${err.message}). Register ${ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name} (${k.type})`).join(', ')} on the namespace, or runs will fail to update them.`,
    );
    return [];
  });
  if (added.length) console.log(`Registered search attributes: ${added.join(', ')}`);
  const missing = config.tests.policy === 'off' ? [] : await missingSandboxPackages();
  if (missing.length)
    console.warn(
      `The test sandbox needs ${missing.join(', ')} (apt-get install -y ${missing.join(' ')}): until then fixes are posted with "tests not run".`,
    );

  const client = await createClient(config.temporal);
  // After the search attributes: the scheduled runs are ordinary runs of this deployment.
  await ensureSchedulesAtStart(client, config);
  const { worker, connection } = await createWorker({ config, client });
  const workerDone = worker.run();
  const api = await startApi(config, runtime.metricsUrl ? { runtimeMetricsUrl: runtime.metricsUrl } : {});

  console.log(
    [
      '',
      'Bugfix pipeline is running:',
      `  Temporal        ${config.temporal.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})${devServer ? ' [embedded dev server]' : ''}`,
      `  Temporal Web UI ${config.temporal.uiUrl}`,
      `  API             ${api.url}`,
      `    GET  ${api.url}/healthz`,
      `    GET  ${api.url}/metrics${runtime.metricsUrl ? ` (worker's own: ${runtime.metricsUrl})` : ''}`,
      `    POST ${api.url}/webhooks/datadog`,
      `    POST ${api.url}/slack/interactions`,
      `  Admin           ${api.adminUrl}${config.api.adminToken ? ' (ADMIN_TOKEN required)' : ' (loopback clients only)'}`,
      `    GET  ${api.adminUrl}/report (fix-effectiveness report; /report.json)`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  // In the background: the service is up whatever it finds.
  void startupDoctor(config).catch((err: Error) => console.warn(`Setup check could not run: ${err.message}`));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping API, worker${devServer ? ' and Temporal dev server' : ''}...`);
    await api.close();
    worker.shutdown();
    await workerDone.catch((err: Error) => console.error(`worker stopped with an error: ${err.message}`));
    await connection.close();
    await client.connection.close();
    await devServer?.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  devServer?.process.once('exit', (code) => {
    if (stopping) return;
    console.error(`Temporal dev server exited unexpectedly (code ${code}); stopping.`);
    void stop('dev server exit');
  });
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
