import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import { connectionOptions } from '../infra/platform/temporal-connection';
import { createActivities } from '../activities';
import { bundlerLogger } from '../infra/platform/observability/temporal-logger';

export const workflowsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows/index.ts');

export interface CreateWorkerOptions {
  config: Config;
  /** Client used by activities that read other runs (earlier rejections). */
  client: Client;
  /** A prebuilt bundle (tests build one once); otherwise workflows/ is bundled at start, quietly. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  workRoot?: string;
}

/** A worker on the configured task queue with every pipeline activity. The caller runs and shuts it down. */
export async function createWorker({
  config,
  client,
  workflowBundle,
  workRoot,
}: CreateWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(await connectionOptions(config.temporal));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: workflowBundle ?? (await bundleWorkflowCode({ workflowsPath, logger: bundlerLogger() })),
    activities: createActivities(config, { client, ...(workRoot ? { workRoot } : {}) }),
    // The Claude step can take minutes; keep a few in parallel, not dozens (WORKER_MAX_CONCURRENT_ACTIVITIES).
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
  });
  return { worker, connection };
}
