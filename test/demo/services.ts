/**
 * The service itself, brought up as `npm start` does: the embedded Temporal dev server
 * (unless a server already answers), a worker and the API.
 */
import { Connection, ScheduleNotFoundError, type Client } from '@temporalio/client';

import type { Config } from '../../infra/platform/config/load-config';
import { connectionOptions, createClient } from '../../infra/platform/temporal-connection';
import { ensureTemporalCli } from '../../infra/temporal/ensure-cli';
import { startDevServer, type DevServer } from '../../infra/temporal/dev-server';
import { createWorker, type PipelineWorker } from '../../workers/create-worker';
import { startApi } from '../../api/main';
import { addMissingSearchAttributes } from '../../infra/temporal/register-search-attributes';
import { desiredSchedules } from '../../infra/temporal/schedules';

/** True when a Temporal server answers on the configured address (e.g. `npm start` is running). */
export async function temporalAnswers(temporal: Config['temporal']): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...(await connectionOptions(temporal)), connectTimeout: 1000 });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export interface TemporalSetup {
  /** Set when the demo started the dev server (and so stops it at the end). */
  devServer?: DevServer;
  reused: boolean;
  /** Search attributes the demo had to register. */
  added: string[];
}

export async function ensureTemporal(config: Config): Promise<TemporalSetup> {
  if (await temporalAnswers(config.temporal))
    return { reused: true, added: await addMissingSearchAttributes(config.temporal) };
  if (!config.devServer.enabled) {
    throw new Error(
      `No Temporal server answers on ${config.temporal.address}, and the embedded dev server is off because TEMPORAL_ADDRESS is set. Start that server, or unset TEMPORAL_ADDRESS.`,
    );
  }
  const cli = await ensureTemporalCli({
    version: config.devServer.cliVersion,
    ...(config.devServer.cliPath ? { cliPath: config.devServer.cliPath } : {}),
  });
  const devServer = await startDevServer(cli, config);
  try {
    return { devServer, reused: false, added: await addMissingSearchAttributes(config.temporal) };
  } catch (err) {
    await devServer.stop();
    throw err;
  }
}

export interface RunningWorker {
  worker: PipelineWorker;
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(config: Config, client: Client, workRoot: string): Promise<RunningWorker> {
  const { worker, connection } = await createWorker({
    config,
    client,
    workRoot,
  });
  const done = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    worker,
    done,
    stop: () =>
      (stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done.catch(() => undefined);
        await connection.close();
      })()),
  };
}

/**
 * Deletes the schedules the configuration asks for (the demo's stages create them): left behind, they would
 * fire every week on task queues no worker polls, also in the dev server's kept database.
 */
export async function deleteSchedules(client: Client, config: Config): Promise<void> {
  for (const { scheduleId } of desiredSchedules(config)) {
    try {
      await client.schedule.getHandle(scheduleId).delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
}

export { createClient, startApi };
