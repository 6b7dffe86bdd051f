/**
 * `npm run bench`: how fast the ingress turns Datadog deliveries into runs, and at what
 * memory cost. Sends N signed deliveries over K unique errors at concurrency C to the real
 * API backed by the real Temporal server (the embedded dev server unless one answers),
 * then checks the runs' exact occurrence counts and prints throughput, latency and memory.
 * Options: --deliveries 2000 --errors 20 --concurrency 32. Loopback only. Run it with
 * LOG_LEVEL=warn (as `npm run bench` does) to keep per-request lines out of the figures.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { readConfig } from '../../infra/platform/config/read-config';
import { ensureTemporal } from '../demo/services';
import { startApi } from '../../api/main';
import { createClient } from '../../infra/platform/temporal-connection';
import { createWorker } from '../../workers/create-worker';
import { Runtime } from '@temporalio/worker';
import type { RunStatus } from '../../workflows/domain/run-status';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '2000' },
    errors: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
  },
});
const deliveries = Number(values.deliveries);
const errors = Number(values.errors);
const concurrency = Number(values.concurrency);

// The runs fail at their first steps by design (nothing configured): keep their logs out of the figures.
const silent = () => undefined;
Runtime.install({
  logger: { log: silent, trace: silent, debug: silent, info: silent, warn: silent, error: silent },
  shutdownSignals: [],
});

const token = randomBytes(16).toString('hex');
const prefix = `bench${randomBytes(3).toString('hex')}`;
// No outside systems: runs stop at their first steps (no Datadog keys, no repository), which
// is fine: what is measured is the ingress and the runs' occurrence bookkeeping.
const config = readConfig({
  ...process.env,
  PORT: '0',
  DATADOG_WEBHOOK_TOKEN: token,
  WORKFLOW_ID_PREFIX: prefix,
  TEMPORAL_TASK_QUEUE: `${prefix}-queue`,
});
const temporal = await ensureTemporal(config);
const client = await createClient(config.temporal);
const api = await startApi(config);

const payload = (i: number) =>
  JSON.stringify({
    id: `${prefix}-${i}`,
    title: '[Triggered] Errors in checkout',
    date: String(Date.now()),
    tags: 'service:checkout,env:prod',
    logs_sample: {
      columns: ['service'],
      rows: [
        {
          items: ['checkout'],
          message: `Error: failure kind ${i % errors} for order ${i}\n    at handler${i % errors} (/app/src/h${i % errors}.ts:1:1)`,
        },
      ],
    },
  });

const latencies: number[] = [];
let peakRss = process.memoryUsage().rss;
const rssBefore = peakRss;
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < deliveries) {
      const i = next++;
      const t = performance.now();
      const res = await fetch(`${api.url}/webhooks/datadog`, {
        method: 'POST',
        body: payload(i),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`delivery ${i}: HTTP ${res.status}`);
      latencies.push(performance.now() - t);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;

// Then a worker: each run's first workflow task takes in all its buffered signals. Every
// delivery must be counted exactly once, in the one run of its error.
const { worker, connection } = await createWorker({ config, client });
const workerDone = worker.run();
await new Promise((r) => setTimeout(r, 3000));
let counted = 0;
let runs = 0;
for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH "${prefix}-"` })) {
  runs++;
  const status = await client.workflow
    .getHandle(w.workflowId)
    .query<RunStatus>('status')
    .catch(() => undefined);
  counted += status?.occurrences ?? 0;
}
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
console.log(
  [
    `ingress benchmark: ${deliveries} deliveries over ${errors} unique errors, concurrency ${concurrency}`,
    `  throughput      ${(deliveries / elapsed).toFixed(0)} deliveries/s (${elapsed.toFixed(2)} s)`,
    `  latency         p50 ${pct(50)} ms · p95 ${pct(95)} ms · p99 ${pct(99)} ms · max ${latencies.at(-1)!.toFixed(1)} ms`,
    `  runs            ${runs} (expected ${errors}); occurrences counted ${counted} (expected ${deliveries})`,
    `  memory (RSS)    ${(rssBefore / 1e6).toFixed(0)} MB before, ${(peakRss / 1e6).toFixed(0)} MB peak (API + worker in one process)`,
  ].join('\n'),
);

for await (const w of client.workflow.list({
  query: `WorkflowId STARTS_WITH "${prefix}-" AND ExecutionStatus = "Running"`,
})) {
  await client.workflow
    .getHandle(w.workflowId)
    .terminate('benchmark over')
    .catch(() => undefined);
}
await api.close();
worker.shutdown();
await workerDone;
await connection.close();
await client.connection.close();
await temporal.devServer?.stop();
process.exit(runs === errors && counted === deliveries ? 0 : 1);
