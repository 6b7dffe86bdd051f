import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type State, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import { connectionOptions } from '../infra/platform/temporal-connection';
import { createActivities, type PipelineActivities } from '../activities';
import { claudeTaskQueue } from '../workflows/domain/task-queues';
import { bundlerLogger } from '../infra/platform/observability/temporal-logger';

export const workflowsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows/index.ts');

export interface CreateWorkerOptions {
  config: Config;
  /** Client used by activities that read other runs (earlier rejections). */
  client: Client;
  /** A prebuilt bundle (tests build one once); otherwise workflows/ is bundled at start, quietly. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  workRoot?: string;
  /** Registered in place of the pipeline's own under the same names (a benchmark scripts the model with this). */
  replaceActivities?: Partial<PipelineActivities>;
}

/** The pipeline's worker: workflows and activities on the task queue, Claude Code sessions on their own. */
export interface PipelineWorker {
  /** Runs until shut down; if either part fails, both stop and the failure is thrown. */
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
}

/** A worker on the configured task queue with every pipeline activity. The caller runs and shuts it down. */
export async function createWorker({
  config,
  client,
  workflowBundle,
  workRoot,
  replaceActivities,
}: CreateWorkerOptions): Promise<{ worker: PipelineWorker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(await connectionOptions(config.temporal));
  const activities = {
    ...createActivities(config, { client, ...(workRoot ? { workRoot } : {}) }),
    ...replaceActivities,
  };
  const { namespace, taskQueue } = config.temporal;
  const main = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: workflowBundle ?? (await bundleWorkflowCode({ workflowsPath, logger: bundlerLogger() })),
    // Claude sessions scheduled here by runs older than their own queue still find a worker.
    activities,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    // Parked runs leave the cache and are replayed from their history when an answer or a timer moves them.
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    // The SDK would lower it to the cache size with a warning; a tiny cache (tests) keeps it quiet.
    maxConcurrentWorkflowTaskExecutions: Math.min(
      config.worker.maxConcurrentWorkflowTasks,
      config.worker.maxCachedWorkflows,
    ),
  });
  const claude = await Worker.create({
    connection,
    namespace,
    taskQueue: claudeTaskQueue(taskQueue),
    // Claude sessions (fixes, triage, debt scans) and sandboxed test runs: what needs the CLI, the sandbox and the CPU.
    activities: {
      proposeFix: activities.proposeFix,
      runRegressionTests: activities.runRegressionTests,
      classifyError: activities.classifyError,
      findDebt: activities.findDebt,
    },
    // What bounds the bill and the machine: CLAUDE_MAX_CONCURRENT of them per worker, the rest queued.
    maxConcurrentActivityTaskExecutions: config.claude.maxConcurrent,
  });
  return { worker: both(main, claude), connection };
}

function both(main: Worker, claude: Worker): PipelineWorker {
  const shutdown = () => {
    for (const w of [main, claude]) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    async run() {
      const runs = [main, claude].map((w) =>
        w.run().catch((err: unknown) => {
          shutdown();
          throw err;
        }),
      );
      const results = await Promise.allSettled(runs);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown,
    getState: () => main.getState(),
  };
}
