/**
 * `npm run bench`: every figure beside its baseline, measured in the same run, on the dev server
 * and on a Temporal cluster on PostgreSQL (the suite starts both, each of its own, on free ports).
 *   --topology dev-server|cluster|both (both)   --size small|full (full)   --only <part,...>
 *   --report <file.json>  also writes the rows as JSON
 *   --storm <deliveries>  deliveries per storm (10,000 at full size)
 *   --parked <runs>  runs parked awaiting approval (1,000 at full size; each takes ~0.4 s of CPU to park)
 * Parts: ingress, storm, pipeline, parked, clone, verify (proof before approval: sandboxed tests per language). Exits 1 when a goal is missed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ChaosTemporal, type TemporalUnderTest } from '../chaos/services';
import { ClusterTemporal } from '../chaos/cluster-temporal';
import { formatTable, type BenchRow } from './figure';
import { pipelineRows } from './pipeline-rows';
import { runIngressVsRaw, runStorm, startBenchServices, type Row } from './ingress-bench';
import { runParkedBench } from './parked-bench';
import { runCloneBench } from './clone-bench';
import { runVerifyBench } from './verify-bench';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';

const { values } = parseArgs({
  options: {
    topology: { type: 'string', default: 'both' },
    size: { type: 'string', default: 'full' },
    only: { type: 'string' },
    report: { type: 'string' },
    parked: { type: 'string' },
    storm: { type: 'string' },
  },
  strict: true,
});
const full = values.size !== 'small';
const topologies = values.topology === 'both' ? ['dev-server', 'cluster'] : [values.topology!];
for (const t of topologies)
  if (t !== 'dev-server' && t !== 'cluster') throw new Error(`--topology: dev-server, cluster or both (got ${t})`);
const parts = new Set((values.only ?? 'ingress,storm,pipeline,parked,clone,verify').split(','));
const say = (line: string) => console.log(line);
const rows: BenchRow[] = [];

const SIZES = full
  ? {
      vsRaw: 1_500,
      storm: Number(values.storm ?? 10_000),
      parked: Number(values.parked ?? 1_000),
      clone: 12_000,
      pipelineRuns: 8,
      workerCounts: [1, 2, 4],
    }
  : {
      vsRaw: 300,
      storm: Number(values.storm ?? 1_000),
      parked: Number(values.parked ?? 200),
      clone: 2_000,
      pipelineRuns: 3,
      workerCounts: [1, 2],
    };

// The storms' runs stop at their first steps by design (nothing configured): keep their logs out of the figures.
const silent = () => undefined;
Runtime.install({
  logger: { log: silent, trace: silent, debug: silent, info: silent, warn: silent, error: silent },
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
  shutdownSignals: [],
});
// Each row is printed as it comes, so an interrupted suite still leaves its figures.
const add = (topology: string, more: Row[]) => {
  for (const r of more) {
    const row = { ...r, topology, value: String(r.value), baseline: String(r.baseline) };
    rows.push(row);
    say(`ROW ${JSON.stringify(row)}`);
  }
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'bugfix-bench-suite-'));
try {
  for (const topology of topologies) {
    say(`bench: starting the ${topology}`);
    const temporal: TemporalUnderTest =
      topology === 'cluster'
        ? await ClusterTemporal.start(path.join(dir, topology))
        : await ChaosTemporal.start(path.join(dir, topology));
    // Interrupted, the suite still stops its server (a cluster's PostgreSQL would outlive it otherwise).
    const interrupted = () => void temporal.stop().finally(() => process.exit(130));
    process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
    try {
      if (parts.has('ingress') || parts.has('storm')) {
        const services = await startBenchServices({ ...process.env, TEMPORAL_ADDRESS: temporal.address });
        const log = (line: string) => say(`  ${line}`);
        try {
          if (parts.has('ingress')) {
            say(`bench: ingress vs raw signalWithStart on the ${topology}`);
            add(
              topology,
              await runIngressVsRaw({ deliveries: SIZES.vsRaw, errors: 20, concurrency: 32, services, log }),
            );
          }
          if (parts.has('storm'))
            for (const errors of [50, 1_000]) {
              say(`bench: storm of ${SIZES.storm} deliveries over ${errors} errors on the ${topology}`);
              add(
                topology,
                (await runStorm({ deliveries: SIZES.storm, errors, concurrency: 32, services, log })).map((r) => ({
                  ...r,
                  figure: r.figure.replace('storm:', `storm of ${SIZES.storm} over ${errors} errors:`),
                })),
              );
            }
        } finally {
          await services.close();
        }
      }
      if (parts.has('pipeline'))
        add(
          topology,
          await pipelineRows(temporal, topology, {
            runs: SIZES.pipelineRuns,
            workerCounts: topology === 'cluster' ? SIZES.workerCounts : [],
            say,
          }),
        );
      if (parts.has('parked')) {
        say(`bench: ${SIZES.parked} runs parked awaiting approval on the ${topology}`);
        add(topology, await runParkedBench({ runs: SIZES.parked, temporalAddress: temporal.address, log: say }));
      }
    } finally {
      process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
      await temporal.stop();
    }
  }
  if (parts.has('clone')) {
    say(`bench: clone path on a ${SIZES.clone}-file repository`);
    add('none', await runCloneBench({ files: SIZES.clone }));
  }
  if (parts.has('verify')) {
    say('bench: proof before approval, per language');
    add('none', await runVerifyBench(say));
  }
} finally {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

console.log(`\n${formatTable(rows)}`);
if (values.report) await writeFile(values.report, JSON.stringify({ size: values.size, rows }, null, 2));
process.exit(rows.every((r) => r.met) ? 0 : 1);
