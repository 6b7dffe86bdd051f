import { readConfig } from '../infra/platform/config/read-config';
import { createClient } from '../infra/platform/temporal-connection';
import { createWorker } from './create-worker';
import { installObservedRuntime } from '../infra/platform/observability/runtime';

/**
 * Runs a worker until SIGINT/SIGTERM; in-flight activities are given the SDK's graceful shutdown time.
 * Logs are JSON (pino); metrics are served on WORKER_METRICS_ADDRESS (default 127.0.0.1:9464, `off` for none).
 */
export async function runWorker(config = readConfig()): Promise<void> {
  const { metricsUrl } = installObservedRuntime(
    config.worker.metricsAddress ? { metricsAddress: config.worker.metricsAddress } : {},
  );
  const client = await createClient(config.temporal);
  const { worker, connection } = await createWorker({ config, client });
  console.log(
    `Worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}${metricsUrl ? `; metrics at ${metricsUrl}` : ''}`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    await client.connection.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runWorker().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
