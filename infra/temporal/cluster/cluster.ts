/**
 * A local multi-service Temporal cluster on PostgreSQL, the topology production runs: frontend,
 * history, matching and worker services as four processes sharing one database, with SQL
 * advanced visibility. Each service can be killed and restarted on its own.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { addMissingSearchAttributes } from '../register-search-attributes';
import { ensureTemporalServer } from './ensure-server';
import { ensurePostgres, startPostgres, type Postgres } from './postgres';
import { clusterDynamicConfig, clusterServerConfig, SERVICES, type ClusterPorts, type Service } from './server-config';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DB_USER = 'temporal';
const DB_PASSWORD = 'temporal';

export interface ClusterOptions {
  /** Everything the cluster keeps: PostgreSQL's data, the server's config. */
  dir: string;
  ports: ClusterPorts;
  namespace: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** fsync on (npm run cluster) or off (tests and benchmarks, which a lost machine does not matter to). */
  durable?: boolean;
}

export interface Cluster {
  /** The frontend, what clients and workers connect to. */
  address: string;
  /** SIGKILL one service, as a crashed host. */
  kill(service: Service): void;
  /** Starts a killed service again on the same ports and database. */
  start(service: Service): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const [build, pgBin] = await Promise.all([ensureTemporalServer(), ensurePostgres()]);
  await mkdir(opts.dir, { recursive: true });
  const dataDir = path.join(opts.dir, 'postgres');
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  const pg = await startPostgres({
    bin: pgBin,
    dataDir,
    port: opts.ports.postgres,
    user: DB_USER,
    password: DB_PASSWORD,
    durable: opts.durable ?? true,
  });
  const processes = new Map<Service, ChildProcess>();
  const outputs = new Map<Service, string>();
  const stopAll = async () => {
    await Promise.all([...processes.values()].map(stopProcess));
    await pg.stop();
  };
  try {
    await setUpSchema(build.sqlTool, build.postgresSchema, pg, fresh);
    const configDir = path.join(opts.dir, 'config');
    await rm(configDir, { recursive: true, force: true });
    await mkdir(configDir, { recursive: true });
    // JSON is YAML: the server reads these as its config file and dynamic config.
    const dynamicConfig = path.join(configDir, 'dynamicconfig.yaml');
    await writeFile(dynamicConfig, JSON.stringify(clusterDynamicConfig(), null, 2));
    await writeFile(
      path.join(configDir, 'development.yaml'),
      JSON.stringify(
        clusterServerConfig({
          ports: opts.ports,
          dbUser: DB_USER,
          dbPassword: DB_PASSWORD,
          logLevel: opts.logLevel ?? 'warn',
          dynamicConfigFile: dynamicConfig,
        }),
        null,
        2,
      ),
    );
    const startService = async (service: Service) => {
      const child = spawn(
        build.server,
        [
          '--root',
          opts.dir,
          '--config',
          'config',
          '--env',
          'development',
          '--allow-no-auth',
          'start',
          '--service',
          service,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
      );
      outputs.set(service, '');
      const keep = (c: Buffer) => outputs.set(service, ((outputs.get(service) ?? '') + c.toString()).slice(-6000));
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      processes.set(service, child);
    };
    for (const service of SERVICES) await startService(service);
    const address = `127.0.0.1:${opts.ports.frontend}`;
    await waitUntilServing(address, opts.namespace, processes, outputs);

    return {
      address,
      kill(service) {
        const child = processes.get(service);
        if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
      },
      async start(service) {
        const child = processes.get(service);
        if (child && child.exitCode === null && child.signalCode === null) return;
        await startService(service);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/** Creates both databases on a fresh PostgreSQL; brings their schemas to the server's version every time. */
async function setUpSchema(sqlTool: string, schemaDir: string, pg: Postgres, fresh: boolean): Promise<void> {
  for (const [db, versioned] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const tool = (...args: string[]) =>
      run(
        sqlTool,
        [
          '--plugin',
          'postgres12',
          '--ep',
          '127.0.0.1',
          '-p',
          String(pg.port),
          '-u',
          DB_USER,
          '--pw',
          DB_PASSWORD,
          '--db',
          db,
          ...args,
        ],
        { maxBuffer: 16 << 20 },
      );
    if (fresh) {
      await tool('create-database');
      await tool('setup-schema', '-v', '0.0');
    }
    await tool('update-schema', '-d', path.join(schemaDir, versioned, 'versioned'));
  }
}

/**
 * The frontend answers before the namespace exists and before a new namespace reaches every
 * service's cache: wait for a query on the namespace to succeed with the project's search attributes.
 */
async function waitUntilServing(
  address: string,
  namespace: string,
  processes: Map<Service, ChildProcess>,
  outputs: Map<Service, string>,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last: unknown;
  for (;;) {
    for (const [service, child] of processes)
      if (child.exitCode !== null)
        throw new Error(`Temporal ${service} service exited with ${child.exitCode}:\n${outputs.get(service)}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        const svc = connection.workflowService;
        try {
          await svc.describeNamespace({ namespace });
        } catch {
          await svc.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
        }
        await addMissingSearchAttributes({ address, namespace });
        await svc.listWorkflowExecutions({ namespace, query: 'BugfixStage IS NOT NULL' });
        await svc.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Temporal cluster on ${address} did not serve namespace ${namespace} within 120s: ${(last as Error)?.message}\n` +
          [...outputs].map(([s, o]) => `--- ${s}\n${o.slice(-1500)}`).join('\n'),
      );
    await sleep(500);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
