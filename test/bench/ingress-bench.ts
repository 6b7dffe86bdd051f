/**
 * `npm run bench`: how fast the ingress turns Datadog deliveries into runs, whether every
 * delivery is counted exactly once, and how it compares with a client calling Temporal directly.
 *
 * - runStorm: N signed deliveries over K unique errors at concurrency C to the real API backed by
 *   the real Temporal server; then a worker, and each expected run's occurrence count read until
 *   it settles (a failed query is retried, never read as 0), runs deduplicated by workflow id.
 * - runIngressVsRaw: the same deliveries through the ingress and, as the baseline, one raw client
 *   `signalWithStart` per delivery (the same workflow, signal and arguments the ingress sends),
 *   on the same server at the same concurrency.
 *
 * Both return rows { figure, value, baseline, goal, met } for a suite's table (pass `services` or `env`
 * with TEMPORAL_ADDRESS to use a server already running). Standalone, on a dev server of its own
 * unless TEMPORAL_ADDRESS is set: `npm run bench -- --deliveries 1500 --errors 20 --concurrency 32
 * [--only storm|vs-raw]`. Loopback only; LOG_LEVEL=warn (as `npm run bench` sets) keeps per-request
 * lines out of the figures. The load comes from this process too: CPU per delivery is printed, as the
 * machine's other work moves throughput and latency.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Config } from '../../infra/platform/config/load-config';
import { readConfig } from '../../infra/platform/config/read-config';
import { ensureTemporal, type TemporalSetup } from '../demo/services';
import { startApi } from '../../api/main';
import { runSettings } from '../../api/datadog/webhook-route';
import { parseDatadogAlert } from '../../api/datadog/parse-alert';
import { createClient } from '../../infra/platform/temporal-connection';
import { createWorker, workflowsPath } from '../../workers/create-worker';
import { fingerprintError, workflowIdFor } from '../../workflows/domain/identity/fingerprint';
import { occurrencesSignal, statusQuery } from '../../workflows/domain/messages';
import { ERROR_TYPE, FINGERPRINT, SERVICE } from '../../workflows/domain/search-attributes';
import type { bugfixWorkflow } from '../../workflows/bugfix';
import type { OccurrenceBatch } from '../../workflows/domain/types';
import { quietLogger } from '../support/quiet-logger';
import { freePort } from '../support/local';
import type { Row } from './figure';

export type { Row } from './figure';

export interface BenchOptions {
  /** Environment for the configuration (e.g. TEMPORAL_ADDRESS of a running server); the process's otherwise. */
  env?: Record<string, string | undefined>;
  /** Shared services (server, API, bundle) when one process runs several benchmarks. */
  services?: BenchServices;
  /** Where the details go (mismatches, latency percentiles, memory); console.log by default. */
  log?: (line: string) => void;
}

export interface StormOptions extends BenchOptions {
  deliveries: number;
  errors: number;
  concurrency?: number;
}

export interface IngressVsRawOptions extends BenchOptions {
  deliveries?: number;
  errors?: number;
  concurrency?: number;
}

/** The real Temporal server (the embedded dev server unless one answers), a client and the API, with a token of their own. */
export interface BenchServices {
  config: Config;
  client: Client;
  apiUrl: string;
  token: string;
  /** The workflow bundle, built once. */
  bundle(): Promise<string>;
  /** CPU seconds the embedded dev server has used so far (undefined for a server this process did not start). */
  serverCpu(): number | undefined;
  close(): Promise<void>;
}

/**
 * `ownServer`: a dev server of the benchmark's own, on free ports with a fresh database, so that
 * neither another server on the default port nor an old database moves the figures.
 */
export async function startBenchServices(
  env: Record<string, string | undefined> = process.env,
  { ownServer = false } = {},
): Promise<BenchServices> {
  const token = randomBytes(16).toString('hex');
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const dataDir = ownServer ? await mkdtemp(path.join(os.tmpdir(), 'ingress-bench-')) : undefined;
  const own = dataDir
    ? {
        TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
        TEMPORAL_UI_PORT: String(await freePort()),
        TEMPORAL_DB_FILENAME: path.join(dataDir, 'temporal.db'),
      }
    : {};
  // No outside systems: runs stop at their first steps (no Datadog keys, no repository), which
  // is fine: what is measured is the ingress and the runs' occurrence bookkeeping.
  const read = readConfig({
    ...env,
    ...own,
    PORT: '0',
    ADMIN_PORT: '0',
    DATADOG_WEBHOOK_TOKEN: token,
    WORKFLOW_ID_PREFIX: prefix,
    TEMPORAL_TASK_QUEUE: `${prefix}-queue`,
  });
  // An explicit address turns the embedded server off; here the address is the one it is to take.
  const config = dataDir ? { ...read, devServer: { ...read.devServer, enabled: true } } : read;
  const temporal: TemporalSetup = await ensureTemporal(config);
  const client = await createClient(config.temporal);
  const api = await startApi(config);
  let bundle: Promise<string> | undefined;
  return {
    config,
    client,
    apiUrl: api.url,
    token,
    serverCpu: () => processCpu(temporal.devServer?.process.pid),
    bundle: () => (bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger }).then(({ code }) => code)),
    async close() {
      agent.destroy();
      await api.close();
      await client.connection.close();
      await temporal.devServer?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function withServices<T>(opts: BenchOptions, fn: (s: BenchServices) => Promise<T>): Promise<T> {
  if (opts.services) return fn(opts.services);
  const services = await startBenchServices(opts.env);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

/** Error k as letters: numbers in a message are normalised away, so they would not tell errors apart. */
function kindName(k: number): string {
  let name = '';
  do {
    name = String.fromCharCode(97 + (k % 26)) + name;
    k = Math.floor(k / 26) - 1;
  } while (k >= 0);
  return name;
}

/** A delivery with its own $ID and one log row: error number `k` (of order `order`). */
function payload(id: string, k: number, order: number): string {
  const kind = kindName(k);
  return JSON.stringify({
    id,
    title: '[Triggered] Errors in checkout',
    date: String(Date.now()),
    tags: 'service:checkout,env:prod',
    logs_sample: {
      columns: ['service'],
      rows: [
        {
          items: ['checkout'],
          message: `Error: failure in step ${kind} for order ${order}\n    at ${kind}Handler (/app/src/steps/${kind}.ts:1:1)`,
        },
      ],
    },
  });
}

/** The run delivery `body` belongs to, as the ingress's identity rule names it (computed here independently of its answer). */
function expectedRun(body: string, prefix: string) {
  const alert = parseDatadogAlert(JSON.parse(body), new Date());
  const e = alert.errors[0]!;
  const identity = fingerprintError({ service: e.service, message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
  const batch: OccurrenceBatch = { deliveryId: alert.deliveryId, alert: alert.alert, occurrences: [e.occurrence] };
  return { workflowId: workflowIdFor(identity, prefix), identity, batch };
}

/** utime + stime of a process, in seconds (Linux /proc; clock ticks at the usual 100 Hz). */
function processCpu(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface Drive {
  elapsedS: number;
  /** CPU milliseconds per call: this process (client and API), and the dev server when known. */
  cpuMs: { here: number; server?: number };
  /** Milliseconds, sorted. */
  latencies: number[];
  peakRss: number;
}

/** Calls `send(i)` for i < n, `concurrency` at a time, timing each call. */
async function drive(
  n: number,
  concurrency: number,
  send: (i: number) => Promise<void>,
  serverCpu: () => number | undefined = () => undefined,
): Promise<Drive> {
  const latencies: number[] = [];
  let peakRss = process.memoryUsage.rss();
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const serverBefore = serverCpu();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await send(i);
        latencies.push(performance.now() - t);
        // Sampled: reading the RSS costs about as much as a small request.
        if (i % 25 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = serverCpu();
  latencies.sort((a, b) => a - b);
  const cpuMs = {
    here: (cpu.user + cpu.system) / 1000 / n,
    ...(serverBefore !== undefined && serverAfter !== undefined
      ? { server: ((serverAfter - serverBefore) * 1000) / n }
      : {}),
  };
  return { elapsedS, cpuMs, latencies, peakRss };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (v: number) => Number(v.toFixed(1));

/** Keep-alive connections for the load: node:http costs this process a fraction of what fetch does per request. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** Posts delivery `body` to the ingress; anything but 202 fails the benchmark. */
function deliver(s: BenchServices, body: string, label: string): Promise<{ workflowId: string }[]> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${s.apiUrl}/webhooks/datadog`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${s.token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res
          .on('data', (c: Buffer) => chunks.push(c))
          .on('error', reject)
          .on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 202) reject(new Error(`${label}: HTTP ${res.statusCode} ${text}`));
            else resolve((JSON.parse(text) as { workflows?: { workflowId: string }[] }).workflows ?? []);
          });
      },
    );
    req.on('error', reject).end(body);
  });
}

interface Counted {
  /** Distinct workflow ids under the prefix (visibility, deduplicated). */
  runs: number;
  /** Sum of the settled counts of the expected runs. */
  occurrences: number;
  /** Expected runs whose settled count differs (or that never answered), and runs nobody expected. */
  mismatches: string[];
}

/**
 * Exact counts: starts a worker (each run's first task takes in its buffered signals), then reads each
 * expected run's occurrence count until it is unchanged for `settleMs` (a failed query is retried until
 * the deadline, never counted as 0), and lists the runs under the prefix once, deduplicated by workflow id.
 */
async function countExactly(
  s: BenchServices,
  prefix: string,
  expected: Map<string, number>,
  { settleMs = 1500, timeoutMs = 120_000 } = {},
): Promise<Counted> {
  const { worker, connection } = await createWorker({
    config: s.config,
    client: s.client,
    workflowBundle: { code: await s.bundle() },
  });
  const workerDone = worker.run();
  try {
    const ids = [...expected.keys()];
    const deadline = Date.now() + timeoutMs + 200 * ids.length;
    // Rounds over every run (32 queries at a time) until a whole round changes nothing and the last
    // change is `settleMs` old: one wait for the lot, not one per run.
    const settled = new Map<string, number | undefined>();
    let lastChange = Date.now();
    while (Date.now() < deadline) {
      let next = 0;
      let changed = false;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < ids.length) {
            const id = ids[next++]!;
            const n = await s.client.workflow
              .getHandle(id)
              .query(statusQuery)
              .then((st) => st.occurrences)
              .catch(() => undefined);
            // A failed query keeps the last answer (or none): never a 0.
            if (n !== undefined && n !== settled.get(id)) {
              settled.set(id, n);
              changed = true;
            }
          }
        }),
      );
      if (changed) lastChange = Date.now();
      const answered = ids.every((id) => settled.get(id) !== undefined);
      if (answered && !changed && Date.now() - lastChange >= settleMs) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Visibility lags: list until every expected run shows (or the deadline), then take the distinct ids.
    const listed = new Set<string>();
    do {
      listed.clear();
      for await (const w of s.client.workflow.list({ query: `WorkflowId STARTS_WITH "${prefix}-"` }))
        listed.add(w.workflowId);
      if (ids.every((id) => listed.has(id))) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    const mismatches = [
      ...ids
        .filter((id) => settled.get(id) !== expected.get(id))
        .map((id) => `${id}: counted ${settled.get(id) ?? 'no answer'}, expected ${expected.get(id)}`),
      ...[...listed].filter((id) => !expected.has(id)).map((id) => `${id}: a run nobody expected`),
    ];
    const occurrences = ids.reduce((n, id) => n + (settled.get(id) ?? 0), 0);
    return { runs: listed.size, occurrences, mismatches };
  } finally {
    worker.shutdown();
    await workerDone;
    await connection.close();
  }
}

/** Signals in the runs' histories: how many calls carried the deliveries. */
async function signalsIn(client: Client, workflowIds: string[]): Promise<number> {
  let n = 0;
  for (const id of workflowIds)
    n += (await client.workflow.getHandle(id).fetchHistory()).events!.filter(
      (e) => e.workflowExecutionSignaledEventAttributes,
    ).length;
  return n;
}

/** Terminates what a benchmark left running under `prefix`. */
async function cleanUp(client: Client, prefix: string): Promise<void> {
  for await (const w of client.workflow.list({
    query: `WorkflowId STARTS_WITH "${prefix}-" AND ExecutionStatus = "Running"`,
  }))
    await client.workflow
      .getHandle(w.workflowId)
      .terminate('benchmark over')
      .catch(() => undefined);
}

/** Deliveries through the ingress, then every run's exact count. Baseline: the expected counts. */
export async function runStorm(opts: StormOptions): Promise<Row[]> {
  const { deliveries, errors, concurrency = 32, log = console.log } = opts;
  return withServices(opts, async (s) => {
    const prefix = s.config.temporal.workflowIdPrefix;
    const run = `storm${randomBytes(2).toString('hex')}`;
    const bodies = Array.from({ length: deliveries }, (_, i) => payload(`${run}-${i}`, i % errors, i));
    const expected = new Map<string, number>();
    for (const b of bodies) {
      const { workflowId } = expectedRun(b, prefix);
      expected.set(workflowId, (expected.get(workflowId) ?? 0) + 1);
    }
    const misrouted: string[] = [];
    const rssBefore = process.memoryUsage().rss;
    const d = await drive(
      deliveries,
      concurrency,
      async (i) => {
        const answered = (await deliver(s, bodies[i]!, `delivery ${i}`)).map((w) => w.workflowId);
        const want = expectedRun(bodies[i]!, prefix).workflowId;
        if (answered.length !== 1 || answered[0] !== want)
          misrouted.push(`delivery ${i}: answered ${answered.join(',')}, expected ${want}`);
      },
      s.serverCpu,
    );
    try {
      const counted = await countExactly(s, prefix, expected);
      const p = (q: number) => ms(pct(d.latencies, q));
      log(
        [
          `storm: ${deliveries} deliveries over ${errors} unique errors, concurrency ${concurrency}`,
          `  throughput      ${(deliveries / d.elapsedS).toFixed(0)} deliveries/s (${d.elapsedS.toFixed(2)} s)`,
          `  latency         p50 ${p(50)} ms · p95 ${p(95)} ms · p99 ${p(99)} ms · max ${ms(d.latencies.at(-1)!)} ms`,
          `  runs            ${counted.runs} (expected ${expected.size}); occurrences counted ${counted.occurrences} (expected ${deliveries})`,
          `  memory (RSS)    ${(rssBefore / 1e6).toFixed(0)} MB before, ${(d.peakRss / 1e6).toFixed(0)} MB peak (API and client in one process)`,
          ...[...misrouted, ...counted.mismatches].slice(0, 20).map((m) => `  mismatch        ${m}`),
        ].join('\n'),
      );
      return [
        {
          figure: 'storm: runs (distinct workflow ids)',
          value: counted.runs,
          baseline: expected.size,
          goal: '= expected',
        },
        {
          figure: 'storm: occurrences counted',
          value: counted.occurrences,
          baseline: deliveries,
          goal: '= deliveries',
        },
        {
          figure: 'storm: runs or deliveries off their expected count or run',
          value: counted.mismatches.length + misrouted.length,
          baseline: 0,
          goal: '= 0',
        },
      ].map((r) => ({ ...r, met: r.value === r.baseline }));
    } finally {
      await cleanUp(s.client, prefix);
    }
  });
}

/**
 * Ingress against raw `signalWithStart` on the same server: the baseline sends, per delivery, the call
 * the ingress would make for it (same workflow, start arguments, search attributes and signal), its
 * arguments prepared before the clock starts. Each side warms up first on workflows of its own.
 */
export async function runIngressVsRaw(opts: IngressVsRawOptions = {}): Promise<Row[]> {
  const { deliveries = 1500, errors = 20, concurrency = 32, log = console.log } = opts;
  return withServices(opts, async (s) => {
    const prefix = s.config.temporal.workflowIdPrefix;
    const settings = runSettings(s.config);
    const tag = randomBytes(2).toString('hex');
    const rawPrefix = `${prefix}raw${tag}`;
    const bodiesFor = (label: string, n: number) =>
      Array.from({ length: n }, (_, i) => payload(`${label}${tag}-${i}`, i % errors, i));

    const raw = (bodies: string[]) => {
      const calls = bodies.map((b) => expectedRun(b, rawPrefix));
      return drive(
        calls.length,
        concurrency,
        async (i) => {
          const { workflowId, identity, batch } = calls[i]!;
          await s.client.workflow.signalWithStart<typeof bugfixWorkflow, [OccurrenceBatch]>('bugfixWorkflow', {
            workflowId,
            taskQueue: s.config.temporal.taskQueue,
            args: [{ identity, settings }],
            signal: occurrencesSignal,
            signalArgs: [batch],
            typedSearchAttributes: [
              { key: FINGERPRINT, value: identity.fingerprint },
              { key: SERVICE, value: identity.service },
              { key: ERROR_TYPE, value: identity.errorType },
            ],
          });
        },
        s.serverCpu,
      );
    };
    const ingress = (bodies: string[]) =>
      drive(
        bodies.length,
        concurrency,
        async (i) => {
          await deliver(s, bodies[i]!, `delivery ${i}`);
        },
        s.serverCpu,
      );

    // Warm-up (connections, JIT) on errors of their own, not the measured ones; counted like the rest.
    const warm = (label: string) =>
      Array.from({ length: 100 }, (_, i) => payload(`${label}${tag}-${i}`, errors + (i % 10), i));
    const ingressWarm = warm('warmi');
    const ingressBodies = bodiesFor('ingress', deliveries);
    const expected = new Map<string, number>();
    for (const b of [...ingressWarm, ...ingressBodies]) {
      const { workflowId } = expectedRun(b, prefix);
      expected.set(workflowId, (expected.get(workflowId) ?? 0) + 1);
    }
    const total = ingressWarm.length + deliveries;
    try {
      await raw(warm('warmr'));
      await ingress(ingressWarm);
      const r = await raw(bodiesFor('raw', deliveries));
      const g = await ingress(ingressBodies);
      const measured = new Set(ingressBodies.map((b) => expectedRun(b, prefix).workflowId));
      const signals = await signalsIn(s.client, [...measured]);
      const counted = await countExactly(s, prefix, expected);
      const rate = (d: Drive) => Math.round(deliveries / d.elapsedS);
      const p = (d: Drive, q: number) => ms(pct(d.latencies, q));
      const cpu = (d: Drive) =>
        `${d.cpuMs.here.toFixed(2)} ms here${d.cpuMs.server === undefined ? '' : ` + ${d.cpuMs.server.toFixed(2)} ms server`}`;
      log(
        [
          `ingress vs raw signalWithStart: ${deliveries} deliveries over ${errors} unique errors, concurrency ${concurrency}`,
          `  raw             ${rate(r)}/s · p50 ${p(r, 50)} ms · p95 ${p(r, 95)} ms · p99 ${p(r, 99)} ms`,
          `  ingress         ${rate(g)}/s · p50 ${p(g, 50)} ms · p95 ${p(g, 95)} ms · p99 ${p(g, 99)} ms (${(rate(g) / rate(r)).toFixed(2)}×)`,
          `  CPU per delivery raw ${cpu(r)} · ingress ${cpu(g)}`,
          `  signals         ${signals} for ${deliveries} deliveries through the ingress (raw: one each)`,
          `  counted         ${counted.occurrences} occurrences in ${counted.runs} runs (expected ${total} in ${expected.size}, warm-up included)`,
          ...counted.mismatches.slice(0, 20).map((m) => `  mismatch        ${m}`),
        ].join('\n'),
      );
      return [
        {
          figure: 'ingress throughput (deliveries/s)',
          value: rate(g),
          baseline: rate(r),
          goal: '≥ 1.0× raw',
          met: rate(g) >= rate(r),
        },
        {
          figure: 'ingress p99 latency (ms)',
          value: p(g, 99),
          baseline: p(r, 99),
          goal: '≤ raw',
          met: p(g, 99) <= p(r, 99),
        },
        {
          figure: 'ingress occurrences counted exactly',
          value: counted.occurrences,
          baseline: total,
          goal: `= deliveries (warm-up included), ${expected.size} runs, no mismatch`,
          met: counted.occurrences === total && counted.runs === expected.size && !counted.mismatches.length,
        },
      ];
    } finally {
      await cleanUp(s.client, prefix);
      await cleanUp(s.client, rawPrefix);
    }
  });
}

export function formatRows(rows: Row[]): string {
  return rows
    .map((r) => `${r.met ? 'met   ' : 'MISSED'}  ${r.figure}: ${r.value} (baseline ${r.baseline}; goal ${r.goal})`)
    .join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      deliveries: { type: 'string', default: '2000' },
      errors: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '32' },
      only: { type: 'string' },
    },
  });
  const deliveries = Number(values.deliveries);
  const errors = Number(values.errors);
  const concurrency = Number(values.concurrency);
  // The runs fail at their first steps by design (nothing configured): keep their logs out of the figures.
  const silent = () => undefined;
  Runtime.install({
    logger: { log: silent, trace: silent, debug: silent, info: silent, warn: silent, error: silent },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
    shutdownSignals: [],
  });
  const services = await startBenchServices(process.env, { ownServer: !process.env.TEMPORAL_ADDRESS });
  const rows: Row[] = [];
  try {
    if (values.only !== 'vs-raw') rows.push(...(await runStorm({ deliveries, errors, concurrency, services })));
    if (values.only !== 'storm') rows.push(...(await runIngressVsRaw({ deliveries, errors, concurrency, services })));
  } finally {
    await services.close();
  }
  console.log(formatRows(rows));
  process.exit(rows.every((r) => r.met) ? 0 : 1);
}
