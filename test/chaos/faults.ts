/**
 * Faults on a schedule drawn from the seed: worker SIGKILLs (a replacement is started at once, as
 * an orchestrator would), Temporal kills and restarts (the dev server, or one service of a cluster) on the
 * same database and ports, and outage
 * windows on Slack, GitHub and Datadog. A worker that dies on its own is replaced and counted.
 */
import path from 'node:path';
import type { ChaosOptions } from './options';
import { isAlive, killWorker, spawnChaosWorker, type TemporalUnderTest, type WorkerProcess } from './services';
import type { World } from './world';

export interface FaultLog {
  kills: { at: number; stages: string[] }[];
  temporalRestarts: { at: number; what: string; downMs: number; upAfterMs: number }[];
  outages: { at: number; service: 'slack' | 'github' | 'datadog'; ms: number }[];
  unplannedWorkerExits: string[];
}

export class WorkerPool {
  readonly workers: WorkerProcess[] = [];
  private spawned = 0;
  private stopped = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly dir: string,
    private readonly log: FaultLog,
  ) {}

  async start(n: number): Promise<void> {
    await Promise.all(Array.from({ length: n }, () => this.spawn()));
  }

  async spawn(): Promise<void> {
    const root = path.join(this.dir, `worker-${++this.spawned}`);
    const w = await spawnChaosWorker({ ...this.env, GIT_CACHE_DIR: path.join(root, 'repos') }, root);
    this.workers.push(w);
    w.child.once('exit', (code, signal) => {
      this.workers.splice(this.workers.indexOf(w), 1);
      if (this.stopped || signal === 'SIGKILL') return;
      this.log.unplannedWorkerExits.push(`exit ${code ?? signal}: ${w.output().slice(-600)}`);
      void this.spawn().catch((err: Error) => this.log.unplannedWorkerExits.push(`respawn failed: ${err.message}`));
    });
  }

  /** SIGKILLs one worker at random; its replacement starts in the background, as an orchestrator's would. */
  killOne(random: () => number): void {
    const alive = this.workers.filter(isAlive);
    const victim = alive[Math.floor(random() * alive.length)];
    if (victim) killWorker(victim);
    void this.spawn().catch((err: Error) => this.log.unplannedWorkerExits.push(`respawn failed: ${err.message}`));
  }

  stop(): void {
    this.stopped = true;
    for (const w of [...this.workers]) killWorker(w);
  }
}

type Fault = { at: number; name: string; run: () => Promise<void> };

/** Runs every fault at its time; resolves when the last is over. `stages()`: where the open runs are now. */
export async function runFaults(o: {
  options: ChaosOptions;
  random: () => number;
  pool: WorkerPool;
  temporal: TemporalUnderTest;
  world: World;
  log: FaultLog;
  stages: () => string[];
  stopped: () => boolean;
  say: (line: string) => void;
}): Promise<void> {
  const { options, random, log } = o;
  const t0 = Date.now();
  const at = () => Math.round(random() * options.faultWindowMs);
  const faults: Fault[] = [];
  for (let i = 0; i < options.kills; i++)
    faults.push({
      at: at(),
      name: 'worker SIGKILLed',
      run: async () => {
        log.kills.push({ at: Date.now() - t0, stages: o.stages() });
        o.pool.killOne(random);
      },
    });
  for (let i = 0; i < options.temporalRestarts; i++)
    faults.push({
      at: at(),
      name: 'Temporal killed and restarted',
      run: async () => {
        const started = Date.now();
        const downMs = 1000 + Math.round(random() * 3000);
        const what = await o.temporal.restart(downMs, random);
        log.temporalRestarts.push({ at: started - t0, what, downMs, upAfterMs: Date.now() - started });
      },
    });
  const services = ['slack', 'github', 'datadog'] as const;
  for (let i = 0; i < options.outages; i++) {
    const service = services[i % services.length]!;
    faults.push({
      at: at(),
      name: `${service} outage of ${options.outageMs / 1000}s`,
      run: async () => {
        o.world[service].outage(options.outageMs);
        log.outages.push({ at: Date.now() - t0, service, ms: options.outageMs });
      },
    });
  }
  faults.sort((a, b) => a.at - b.at);
  // One fault after the other (a restart must not overlap another); an outage window runs on by itself.
  const pending: Promise<void>[] = [];
  let serial = Promise.resolve();
  for (const f of faults) {
    const wait = t0 + f.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (o.stopped()) break;
    const run = () => f.run().then(() => o.say(`chaos: +${Math.round((Date.now() - t0) / 1000)}s ${f.name}`));
    serial = serial.then(run, run);
    pending.push(serial);
  }
  await Promise.allSettled(pending);
}
