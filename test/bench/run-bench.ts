/**
 * `npm run bench`: every figure beside its baseline, measured in the same run, on the dev server
 * and on a Temporal cluster on PostgreSQL (the suite starts both, each of its own, on free ports).
 *   --topology dev-server|cluster|both (both)   --size small|full (full)   --only <part,...>
 *   --report <file.json>  also writes the rows as JSON
 * Parts: ingress, storm, pipeline, parked, clone. Exits 1 when a goal is missed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ChaosTemporal, type TemporalUnderTest } from '../chaos/services';
import { ClusterTemporal } from '../chaos/cluster-temporal';
import { formatTable, type BenchRow } from './figure';
import { pipelineRows } from './pipeline-rows';

const { values } = parseArgs({
  options: {
    topology: { type: 'string', default: 'both' },
    size: { type: 'string', default: 'full' },
    only: { type: 'string' },
    report: { type: 'string' },
  },
  strict: true,
});
const full = values.size !== 'small';
const topologies = values.topology === 'both' ? ['dev-server', 'cluster'] : [values.topology!];
for (const t of topologies)
  if (t !== 'dev-server' && t !== 'cluster') throw new Error(`--topology: dev-server, cluster or both (got ${t})`);
const parts = new Set((values.only ?? 'ingress,storm,pipeline,parked,clone').split(','));
const say = (line: string) => console.log(line);

const SIZES = full
  ? { pipelineRuns: 8, workerCounts: [1, 2, 4] }
  : { pipelineRuns: 3, workerCounts: [1, 2] };

const rows: BenchRow[] = [];
const dir = await mkdtemp(path.join(os.tmpdir(), 'bugfix-bench-suite-'));
try {
  for (const topology of topologies) {
    say(`bench: starting the ${topology}`);
    const temporal: TemporalUnderTest =
      topology === 'cluster'
        ? await ClusterTemporal.start(path.join(dir, topology))
        : await ChaosTemporal.start(path.join(dir, topology));
    try {
      if (parts.has('pipeline'))
        rows.push(
          ...(await pipelineRows(temporal, topology, {
            runs: SIZES.pipelineRuns,
            workerCounts: topology === 'cluster' ? SIZES.workerCounts : [],
            say,
          })),
        );
    } finally {
      await temporal.stop();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

console.log(`\n${formatTable(rows)}`);
if (values.report) await writeFile(values.report, JSON.stringify({ size: values.size, rows }, null, 2));
process.exit(rows.every((r) => r.met) ? 0 : 1);
