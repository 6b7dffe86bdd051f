/**
 * `npm run cluster`: a local multi-service Temporal cluster on PostgreSQL (data under
 * .data/cluster/), in the foreground until Ctrl-C. Point the service at it with TEMPORAL_ADDRESS.
 *   TEMPORAL_CLUSTER_PORT   frontend port (default 7233; the others follow it)
 *   TEMPORAL_CLUSTER_PG_PORT PostgreSQL port (default 55432)
 */
import path from 'node:path';
import { readConfig, repoRoot } from '../../platform/config/read-config';
import { startCluster } from './cluster';
import { clusterPorts } from './server-config';

const port = (name: string, fallback: number) => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65000) throw new Error(`${name} must be a port number (got "${raw}")`);
  return n;
};

const config = readConfig({ ...process.env, TEMPORAL_ADDRESS: undefined });
const ports = clusterPorts(port('TEMPORAL_CLUSTER_PORT', 7233), port('TEMPORAL_CLUSTER_PG_PORT', 55432));
const started = Date.now();
const cluster = await startCluster({
  dir: path.join(repoRoot, '.data', 'cluster'),
  ports,
  namespace: config.temporal.namespace,
  logLevel: 'warn',
});
console.log(
  [
    `Temporal cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s: frontend, history, matching and worker services on PostgreSQL`,
    `  frontend:   ${cluster.address} (namespace ${config.temporal.namespace})`,
    `  PostgreSQL: 127.0.0.1:${ports.postgres} (databases temporal, temporal_visibility)`,
    `  run the service on it:  TEMPORAL_ADDRESS=${cluster.address} npm start`,
    '  Ctrl-C stops it; the data stays in .data/cluster/',
  ].join('\n'),
);
// A second Ctrl-C (or npm passing the signal on) must not cut the shutdown short and leave PostgreSQL running.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void cluster.stop().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
