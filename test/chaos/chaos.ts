/**
 * One chaos run: the fakes, the suite's own dev server, the ingress and workers as processes;
 * errors delivered, approved, merged and deployed while workers are SIGKILLed, the dev server
 * restarted and Slack, GitHub and Datadog go down; hostile requests on the side. Returns the figures.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '../../infra/platform/temporal-connection';
import { rng, type ChaosOptions } from './options';
import { chaosCases } from './model-script';
import { startWorld, type World } from './world';
import { ChaosTemporal, startIngress, writeWorkflowBundle } from './services';
import { ClusterTemporal } from './cluster-temporal';
import { runFaults, WorkerPool, type FaultLog } from './faults';
import { createDriver } from './drive';
import { hostileRequests, sendRaw, type HostileRequest, type HostileResult } from './hostile-requests';
import { STALL_TARGET_MS } from './report';
import { computeFigures, type Figures } from './figures';

/** The pipeline's waits, short enough for a test; each can be overridden from the environment. */
export const CHAOS_DURATIONS: Record<string, string> = {
  CLAUDE_TIMEOUT: '2m',
  APPROVAL_TIMEOUT: '30m',
  APPROVAL_REMINDER_INTERVAL: '15m',
  POLL_INTERVAL: '300ms',
  POLL_MAX_INTERVAL: '2s',
  PR_WAIT_TIMEOUT: '20m',
  DEPLOY_TIMEOUT: '20m',
  VERIFY_WINDOW: '3s',
};

/** The ingress's and workers' environment: the fakes, short waits, the suite's own Temporal and task queue. */
export function servicesEnv(o: {
  world: World;
  address: string;
  prefix: string;
  bundle: string;
}): Record<string, string> {
  return {
    ...o.world.env,
    ...CHAOS_DURATIONS,
    ...Object.fromEntries(Object.keys(CHAOS_DURATIONS).flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []))),
    TEMPORAL_ADDRESS: o.address,
    TEMPORAL_TASK_QUEUE: `${o.prefix}-queue`,
    WORKFLOW_ID_PREFIX: o.prefix,
    CHAOS_WORKFLOW_BUNDLE: o.bundle,
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_PORT: '0',
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions, say: (line: string) => void = () => undefined): Promise<Figures> {
  const startedAt = Date.now();
  const deadline = startedAt + options.deadlineMs;
  const random = rng(options.seed);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bugfix-chaos-'));
  const cases = chaosCases(options.runs, options.injections);
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    say(
      `chaos on the ${options.topology}: ${cases.length} errors, ${options.kills} kills, ${options.temporalRestarts} restarts, ${options.outages} outages, ${options.hostile} hostile requests`,
    );
    const [world, temporal, bundle] = await Promise.all([
      startWorld(cases),
      options.topology === 'cluster' ? ClusterTemporal.start(dir) : ChaosTemporal.start(dir),
      writeWorkflowBundle(dir),
    ]);
    cleanup.push(
      () => world.close(),
      () => temporal.stop(),
    );
    const prefix = `chaos${randomBytes(3).toString('hex')}`;
    const env = servicesEnv({ world, address: temporal.address, prefix, bundle });
    const ingress = await startIngress(env);
    cleanup.push(() => ingress.stop());
    const client = await createClient(temporal.config.temporal);
    cleanup.push(() => client.connection.close());
    const log: FaultLog = { kills: [], temporalRestarts: [], outages: [], unplannedWorkerExits: [] };
    const pool = new WorkerPool(env, dir, log);
    cleanup.push(async () => pool.stop());
    await pool.start(options.workers);
    say(
      `chaos: ingress ${ingress.url}, Temporal ${temporal.address}, ${options.workers} workers up after ${Math.round((Date.now() - startedAt) / 1000)}s`,
    );

    const driver = createDriver({
      world,
      client: () => client,
      ingressUrl: ingress.url,
      cases,
      repeats: options.repeats,
      prefix,
    });
    // Errors arrive over the first part of the fault window, so faults meet runs at every stage.
    const driving = driver.run(deadline, () => random() * options.faultWindowMs * 0.9);
    const faults = runFaults({
      say,
      options,
      random,
      pool,
      temporal,
      world,
      log,
      stages: driver.openStages,
      stopped: () => Date.now() > deadline,
    });

    await sleep(3000);
    // One at a time, the ingress's event loop watched around each. This machine is shared with workers and
    // Claude sessions, so a stall counts for the target only as far as the ingress's own CPU time covers it
    // (a loop blocked by its work burns CPU; one waiting for a core does not), and one over the target is
    // tried twice more: a request that causes a stall causes it again. Both figures are reported.
    const hostile: HostileResult[] = [];
    const attempt = async (r: HostileRequest, suffix = '') => {
      ingress.resetStall();
      const result = { ...(await sendRaw(ingress.url, r)), name: r.name + suffix };
      const { maxMs: stallMs, cpuMs } = await ingress.stall();
      const busyStallMs = Math.min(stallMs, cpuMs);
      hostile.push({ ...result, stallMs, busyStallMs });
      return busyStallMs;
    };
    for (const r of hostileRequests(world.secrets, options.hostile)) {
      const first = await attempt(r);
      if (first < STALL_TARGET_MS) continue;
      const again = Math.min(await attempt(r, ' (again)'), await attempt(r, ' (again)'));
      hostile[hostile.length - 3]!.reproducedStallMs = Math.min(first, again);
    }
    say(`chaos: ${hostile.length} hostile requests sent`);

    await faults;
    say(
      `chaos: faults over (${log.kills.length} kills, ${log.temporalRestarts.length} restarts); waiting for the runs`,
    );
    await driving;
    return await computeFigures({
      client,
      world,
      outcomes: driver.outcomes,
      faults: log,
      hostile,
      startedAt,
    });
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
