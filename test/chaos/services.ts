/**
 * The service's processes, each killable: a Temporal dev server of the suite's own (own port,
 * own SQLite file, the project's cached CLI), the ingress, and workers that are SIGKILLed and
 * replaced like crashed hosts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { readConfig, repoRoot } from '../../infra/platform/config/read-config';
import type { Config } from '../../infra/platform/config/load-config';
import { ensureTemporalCli } from '../../infra/temporal/ensure-cli';
import { startDevServer, type DevServer } from '../../infra/temporal/dev-server';
import { workflowsPath } from '../../workers/create-worker';
import { quietLogger } from '../support/quiet-logger';
import { processesUnder } from '../support/processes';
import { freePort } from '../support/local';
import type { IngressMessage, IngressReply } from './ingress-process';

/** The Temporal the suite runs on: one dev server, or a cluster of services on PostgreSQL. */
export interface TemporalUnderTest {
  readonly config: Config;
  readonly address: string;
  /** SIGKILLs part or all of it, as a crashed host, and starts it again after `downMs`; says what it killed. */
  restart(downMs: number, random: () => number): Promise<string>;
  stop(): Promise<void>;
}

/** A dev server that can be killed (SIGKILL, as a crashed host) and started again on the same port and database. */
export class ChaosTemporal implements TemporalUnderTest {
  private server?: DevServer;
  private constructor(
    private readonly cli: string,
    readonly config: Config,
  ) {}

  static async start(dir: string): Promise<ChaosTemporal> {
    const [port, uiPort] = [await freePort(), await freePort()];
    const config = readConfig({
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_DB_FILENAME: path.join(dir, 'temporal.sqlite'),
      TEMPORAL_UI_PORT: String(uiPort),
    });
    config.devServer.logLevel = 'error';
    const cli = await ensureTemporalCli({
      version: config.devServer.cliVersion,
      ...(config.devServer.cliPath ? { cliPath: config.devServer.cliPath } : {}),
    });
    const t = new ChaosTemporal(cli, config);
    t.server = await startDevServer(cli, config);
    return t;
  }

  get address(): string {
    return this.config.temporal.address;
  }

  async restart(downMs: number): Promise<string> {
    this.kill();
    await new Promise((r) => setTimeout(r, downMs));
    this.server = await startDevServer(this.cli, this.config);
    return 'dev server';
  }

  kill(): void {
    const child = this.server?.process;
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

/** Builds the workflow bundle once, to a file every worker process loads. */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  const file = path.join(dir, 'workflow-bundle.js');
  await writeFile(file, code);
  return file;
}

function spawnTs(file: string, env: Record<string, string>, ipc = false): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, file)], {
    cwd: repoRoot,
    env: { ...process.env, WORKER_METRICS_ADDRESS: 'off', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
    // Its own process group, so a kill takes its children too.
    detached: true,
  });
}

/** Keeps the last lines a process printed, for the report when it dies unexpectedly. */
function tail(child: ChildProcess): () => string {
  let out = '';
  const keep = (c: Buffer) => (out = (out + c.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}

export interface Ingress {
  url: string;
  resetStall(): void;
  stall(): Promise<{ maxMs: number; p99Ms: number; cpuMs: number }>;
  stop(): Promise<void>;
}

export async function startIngress(env: Record<string, string>): Promise<Ingress> {
  const child = spawnTs('test/chaos/ingress-process.ts', env, true);
  const output = tail(child);
  const ready = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: IngressReply) => m.type === 'ready' && resolve(m.url));
    child.once('exit', (code) => reject(new Error(`ingress exited with ${code}:\n${output()}`)));
  });
  const send = (m: IngressMessage) => child.send(m);
  return {
    url: ready,
    resetStall: () => send({ type: 'reset' }),
    stall: () =>
      new Promise((resolve) => {
        const on = (m: IngressReply) => {
          if (m.type !== 'stall') return;
          child.off('message', on);
          resolve({ maxMs: m.maxMs, p99Ms: m.p99Ms, cpuMs: m.cpuMs });
        };
        child.on('message', on);
        send({ type: 'stall' });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  workRoot: string;
  output(): string;
}

export async function spawnChaosWorker(env: Record<string, string>, workRoot: string): Promise<WorkerProcess> {
  await mkdir(workRoot, { recursive: true });
  const child = spawnTs('test/chaos/worker-process.ts', { ...env, CHAOS_WORK_ROOT: workRoot });
  const output = tail(child);
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => output().includes('Worker polling') && (clearInterval(poll), resolve()), 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`worker exited with ${code} before polling:\n${output()}`));
    });
  });
  return { child, workRoot, output };
}

/** SIGKILL: the worker's process group, then the Claude Code sessions it started (each in a group of its own). */
export function killWorker(w: WorkerProcess): void {
  if (w.child.pid && w.child.exitCode === null && w.child.signalCode === null) process.kill(-w.child.pid, 'SIGKILL');
  for (const p of processesUnder(w.workRoot)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export const isAlive = (w: WorkerProcess) => w.child.exitCode === null && w.child.signalCode === null;
