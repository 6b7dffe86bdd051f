/**
 * The service itself, brought up as `npm start` does: the embedded Temporal dev server
 * (unless a server already answers), a worker and the API.
 */
import { Connection, type Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../config/load-config';
import { connectionOptions, createClient } from '../temporal/connect';
import { ensureTemporalCli } from '../temporal/ensure-cli';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { createWorker } from '../../workers/create-worker';
import { startApi } from '../../api/main';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];
/** Temporal's IndexedValueType numbers (temporal.api.enums.v1), which are part of its wire protocol. */
const INDEXED_VALUE_TYPE: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };

/**
 * Registers the project's search attributes the namespace lacks. The dev server registers
 * them when it creates its database; one created by an older version of the project lacks
 * those added since, and a run that sets one then cannot progress.
 */
export async function addMissingSearchAttributes(temporal: Config['temporal']): Promise<string[]> {
  const connection = await Connection.connect(await connectionOptions(temporal));
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
    const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
    if (!missing.length) return [];
    const searchAttributes = Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type] as IndexedValueType]));
    await connection.operatorService.addSearchAttributes({ namespace: temporal.namespace, searchAttributes });
    return missing.map((key) => key.name);
  } finally {
    await connection.close();
  }
}

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
  if (await temporalAnswers(config.temporal)) return { reused: true, added: await addMissingSearchAttributes(config.temporal) };
  if (!config.devServer.enabled) {
    throw new Error(`No Temporal server answers on ${config.temporal.address}, and the embedded dev server is off because TEMPORAL_ADDRESS is set. Start that server, or unset TEMPORAL_ADDRESS.`);
  }
  const cli = await ensureTemporalCli({ version: config.devServer.cliVersion, ...(config.devServer.cliPath ? { cliPath: config.devServer.cliPath } : {}) });
  const devServer = await startDevServer(cli, config);
  try {
    return { devServer, reused: false, added: await addMissingSearchAttributes(config.temporal) };
  } catch (err) {
    await devServer.stop();
    throw err;
  }
}

export interface RunningWorker {
  worker: Worker;
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(config: Config, client: Client, workRoot: string): Promise<RunningWorker> {
  const { worker, connection }: { worker: Worker; connection: NativeConnection } = await createWorker({ config, client, workRoot });
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

export { createClient, startApi };
