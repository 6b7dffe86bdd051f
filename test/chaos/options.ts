import { parseArgs } from 'node:util';
import { parseDuration } from '../../infra/platform/config/duration';

/** How big a chaos run is and how long its faults last. Every figure comes from a flag or a CHAOS_* variable. */
export interface ChaosOptions {
  /** Distinct ordinary errors (one run each). */
  runs: number;
  /** Extra deliveries of each error while its run is open. */
  repeats: number;
  /** How many cases of the prompt-injection corpus run (each its own error, so its own run); 0 for none. */
  injections: number;
  /** Worker SIGKILLs spread over the run. */
  kills: number;
  /** Temporal kills and restarts: the dev server on the same database file and port, or one cluster service. */
  temporalRestarts: number;
  /** Outage windows, taking Slack, GitHub and Datadog in turn. */
  outages: number;
  outageMs: number;
  hostile: number;
  /** Worker processes kept alive (a killed one is replaced). */
  workers: number;
  /** The whole run gives up after this long. */
  deadlineMs: number;
  /** Faults are spread over this long from the first alert. */
  faultWindowMs: number;
  /** The dev server, or a cluster of four services on PostgreSQL (infra/temporal/cluster). */
  topology: 'dev-server' | 'cluster';
  /** Where the figures go as JSON (besides stdout). */
  reportPath?: string;
  seed: number;
}

export const FULL_SIZE: ChaosOptions = {
  runs: 8,
  repeats: 2,
  injections: 6,
  kills: 20,
  temporalRestarts: 5,
  outages: 3,
  outageMs: 15_000,
  hostile: 240,
  workers: 2,
  deadlineMs: 25 * 60_000,
  faultWindowMs: 4 * 60_000,
  topology: 'dev-server',
  seed: 1,
};

type NumericKey = { [K in keyof ChaosOptions]-?: ChaosOptions[K] extends number ? K : never }[keyof ChaosOptions];

const KEYS: Record<string, NumericKey> = {
  runs: 'runs',
  repeats: 'repeats',
  injections: 'injections',
  kills: 'kills',
  restarts: 'temporalRestarts',
  outages: 'outages',
  'outage-ms': 'outageMs',
  hostile: 'hostile',
  workers: 'workers',
  deadline: 'deadlineMs',
  'fault-window': 'faultWindowMs',
  seed: 'seed',
};

/** Flags (`--kills 20`) win over CHAOS_* variables (`CHAOS_KILLS=20`), which win over `base`. Durations take `30s`, `4m`. */
export function chaosOptions(
  argv: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  base: ChaosOptions = FULL_SIZE,
): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(KEYS).map((k) => [k, { type: 'string' as const }])),
      report: { type: 'string' },
      topology: { type: 'string' },
    },
    strict: true,
  });
  const out: ChaosOptions = { ...base };
  for (const [flag, key] of Object.entries(KEYS)) {
    const raw =
      (values as Record<string, string | undefined>)[flag] ?? env[`CHAOS_${flag.toUpperCase().replace('-', '_')}`];
    if (raw === undefined) continue;
    const n = key.endsWith('Ms') ? parseDuration(raw) : Number(raw);
    if (n === undefined || !Number.isFinite(n) || n < 0)
      throw new Error(`chaos: ${flag} must be a non-negative number (got "${raw}")`);
    out[key] = n;
  }
  const report = (values as { report?: string }).report ?? env.CHAOS_REPORT;
  if (report) out.reportPath = report;
  const topology = (values as { topology?: string }).topology ?? env.CHAOS_TOPOLOGY;
  if (topology !== undefined) {
    if (topology !== 'dev-server' && topology !== 'cluster')
      throw new Error(`chaos: topology must be dev-server or cluster (got "${topology}")`);
    out.topology = topology;
  }
  if (out.workers < 1) throw new Error('chaos: at least one worker');
  return out;
}

/** A small deterministic generator: the same seed gives the same fault schedule. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}
