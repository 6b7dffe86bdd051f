/**
 * A worker as `npm run worker` runs it, but on a workflow bundle the suite built once
 * (CHAOS_WORKFLOW_BUNDLE), so the many restarts after SIGKILLs do not each rebuild it,
 * and with its own work root (CHAOS_WORK_ROOT) so the suite can find its Claude processes.
 */
import { readConfig } from '../../infra/platform/config/read-config';
import { createClient } from '../../infra/platform/temporal-connection';
import { createWorker } from '../../workers/create-worker';
import { installObservedRuntime } from '../../infra/platform/observability/runtime';

const config = readConfig();
installObservedRuntime({ shutdownSignals: ['SIGINT', 'SIGTERM'], coreLogLevel: 'ERROR' });
const client = await createClient(config.temporal);
const codePath = process.env.CHAOS_WORKFLOW_BUNDLE;
const workRoot = process.env.CHAOS_WORK_ROOT;
const { worker, connection } = await createWorker({
  config,
  client,
  ...(codePath ? { workflowBundle: { codePath } } : {}),
  ...(workRoot ? { workRoot } : {}),
});
console.log(`Worker polling task queue "${config.temporal.taskQueue}"`);
await worker.run();
await connection.close();
await client.connection.close();
