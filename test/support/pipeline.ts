import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig, type Config } from '../../infra/platform/config/load-config';
import { repoRoot } from '../../infra/platform/config/read-config';
import { createClient } from '../../infra/platform/temporal-connection';
import { createWorker, type PipelineWorker } from '../../workers/create-worker';
import { startApi } from '../../api/main';
import { installObservedRuntime } from '../../infra/platform/observability/runtime';
import { quietLogger } from './quiet-logger';
import { freePort } from './local';

let runtime: Promise<{ metricsUrl?: string }> | undefined;

/**
 * The test process's Temporal runtime, installed once: quiet logs, and metrics on a free port (appended
 * to the API's /metrics). Core warnings about activities finishing after their run was terminated are
 * expected when tests end.
 */
export function testRuntime(): Promise<{ metricsUrl?: string }> {
  return (runtime ??= (async () => {
    const installed = await installOnFreePort();
    // The SDK shuts its runtime down when the last worker and native connection close, and builds it
    // again, binding the same metrics port, for the next: by then another process may hold that port
    // (a CI failure). One connection held for the process's life keeps the runtime and its port.
    const address = inject('temporalAddress');
    if (address) await NativeConnection.connect({ address });
    return installed;
  })());
}

/** Another process may take the port chosen free before the runtime binds it: choose again. */
async function installOnFreePort(attempt = 1): Promise<{ metricsUrl?: string }> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  try {
    return installObservedRuntime({ logger: quietLogger, shutdownSignals: [], coreLogLevel: 'ERROR', metricsAddress });
  } catch (err) {
    if (attempt >= 3 || !(err instanceof ConfigError)) throw err;
    return installOnFreePort(attempt + 1);
  }
}

export interface Pipeline {
  config: Config;
  /** The environment the configuration was loaded from, for starting a worker in another process. */
  env: Record<string, string>;
  client: Client;
  apiUrl: string;
  /** The admin listener (the report page), on an ephemeral loopback port. */
  adminUrl: string;
  workRoot: string;
  /** Shuts the ingress down as a deploy does (in-flight Slack decisions drained) and starts it again on a new port. */
  restartApi(): Promise<void>;
  /** Stops the in-process worker (graceful) — for tests that bring their own worker. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/** The service as `npm start` runs it (API + worker), against the shared real Temporal dev server, on a task queue of its own. */
export async function startPipeline(
  env: Record<string, string | undefined> = {},
  opts: { worker?: boolean } = {},
): Promise<Pipeline> {
  const { metricsUrl } = await testRuntime();
  const address = inject('temporalAddress');
  if (!address) throw new Error('No Temporal dev server: run without TEST_NO_TEMPORAL');
  const workRoot = await mkdtemp(path.join(os.tmpdir(), 'bugfix-work-'));
  const file = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as unknown;
  const fullEnv = Object.fromEntries(
    Object.entries({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
      PORT: '0',
      ADMIN_PORT: '0',
      HOST: '127.0.0.1',
      GIT_CACHE_DIR: path.join(workRoot, 'repos'),
      ...env,
    }).filter((kv): kv is [string, string] => kv[1] !== undefined),
  );
  const config = loadConfig(file, fullEnv);
  const client = await createClient(config.temporal);
  let worker: { worker: PipelineWorker; done: Promise<void>; close(): Promise<void> } | undefined;

  const startWorker = async () => {
    const created = await createWorker({
      config,
      client,
      workflowBundle: { code: inject('workflowBundleCode') },
      workRoot: path.join(workRoot, 'work'),
    });
    const done = created.worker.run();
    worker = { worker: created.worker, done, close: () => created.connection.close() };
  };
  const stopWorker = async () => {
    if (!worker) return;
    const w = worker;
    worker = undefined;
    w.worker.shutdown();
    await w.done;
    await w.close();
  };
  if (opts.worker !== false) await startWorker();
  const apiOptions = metricsUrl ? { runtimeMetricsUrl: metricsUrl } : {};
  let api = await startApi(config, apiOptions);

  return {
    config,
    env: fullEnv,
    client,
    get apiUrl() {
      return api.url;
    },
    get adminUrl() {
      return api.adminUrl;
    },
    workRoot,
    async restartApi() {
      await api.close();
      api = await startApi(config, apiOptions);
    },
    startWorker,
    stopWorker,
    async close() {
      await api.close();
      await stopWorker();
      await client.connection.close();
      await rm(workRoot, { recursive: true, force: true });
    },
  };
}
