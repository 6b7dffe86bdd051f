/**
 * The chaos suite on the production topology: a Temporal cluster of four services on PostgreSQL
 * (the project's own, infra/temporal/cluster), on free ports in the suite's directory. A restart
 * SIGKILLs one service, drawn from the seed, and starts it again on the same ports and database.
 */
import net from 'node:net';
import path from 'node:path';
import { readConfig } from '../../infra/platform/config/read-config';
import type { Config } from '../../infra/platform/config/load-config';
import { startCluster, type Cluster } from '../../infra/temporal/cluster/cluster';
import { SERVICES, type ClusterPorts } from '../../infra/temporal/cluster/server-config';
import { freePort } from '../support/local';
import type { TemporalUnderTest } from './services';

/** A port in [low, high) nothing listens on right now. */
async function freePortIn(low: number, high: number, taken: Set<number>): Promise<number> {
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (taken.has(port)) continue;
    const server = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!ok) continue;
    await new Promise((r) => server.close(r));
    taken.add(port);
    return port;
  }
}

/** Every port the cluster listens on, each free now; membership ports below 32768 (the database keeps them as smallint). */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const low = () => freePortIn(20_000, 32_000, taken);
  const [postgres, frontend, frontendHttp] = [await freePort(), await freePort(), await freePort()];
  const services = {} as ClusterPorts['services'];
  for (const s of SERVICES)
    services[s] = { grpc: s === 'frontend' ? frontend : await freePort(), membership: await low() };
  return { postgres, frontend, frontendHttp, services };
}

export class ClusterTemporal implements TemporalUnderTest {
  private constructor(
    private readonly cluster: Cluster,
    readonly config: Config,
  ) {}

  static async start(dir: string): Promise<ClusterTemporal> {
    const config = readConfig({ ...process.env, TEMPORAL_ADDRESS: undefined });
    // Free ports can be taken between the check and the bind by whatever else runs here: try fresh ones.
    for (let attempt = 1; ; attempt++) {
      try {
        const cluster = await startCluster({
          dir: path.join(dir, `cluster-${attempt}`),
          ports: await freeClusterPorts(),
          namespace: config.temporal.namespace,
          logLevel: 'error',
          durable: false,
        });
        return new ClusterTemporal(cluster, readConfig({ ...process.env, TEMPORAL_ADDRESS: cluster.address }));
      } catch (err) {
        if (attempt === 3 || !/address already in use|exited with/i.test((err as Error).message)) throw err;
      }
    }
  }

  get address(): string {
    return this.cluster.address;
  }

  async restart(downMs: number, random: () => number): Promise<string> {
    const service = SERVICES[Math.floor(random() * SERVICES.length)]!;
    this.cluster.kill(service);
    await new Promise((r) => setTimeout(r, downMs));
    await this.cluster.start(service);
    return `${service} service`;
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }
}
