/**
 * `npm run worker`: a standalone worker, as deployed (one or more beside the API). It first keeps the
 * deployment's schedules as configured (infra/temporal/schedules.ts), then polls until SIGINT/SIGTERM.
 */
import { readConfig } from './platform/config/read-config';
import { createClient } from './platform/temporal-connection';
import { ConfigError } from './platform/config/load-config';
import { ensureSchedulesAtStart } from './temporal/schedules';
import { runWorker } from '../workers/main';

try {
  const config = readConfig();
  const client = await createClient(config.temporal);
  try {
    await ensureSchedulesAtStart(client, config);
  } finally {
    await client.connection.close();
  }
  await runWorker(config);
} catch (err) {
  console.error((err as Error).message);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
