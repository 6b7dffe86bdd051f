import type { Server } from 'node:http';
import type { Config } from '../infra/platform/config/load-config';
import { readConfig } from '../infra/platform/config/read-config';
import { createClient } from '../infra/platform/temporal-connection';
import { createSlackClient } from '../activities/slack/client';
import { createApp } from './create-app';

/** Starts the ingress; resolves once it listens. `runtimeMetricsUrl`: the in-process worker's metrics, appended to GET /metrics. */
export async function startApi(
  config: Config,
  opts: { runtimeMetricsUrl?: string } = {},
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const client = await createClient(config.temporal);
  const slack = config.slack.botToken ? createSlackClient(config.slack) : undefined;
  const app = createApp({
    client,
    config,
    ...(slack ? { slack } : {}),
    ...(opts.runtimeMetricsUrl ? { runtimeMetricsUrl: opts.runtimeMetricsUrl } : {}),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.api.port, config.api.host, () => resolve(s)).once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  return {
    server,
    url: `http://${config.api.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await client.connection.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const api = await startApi(readConfig());
  console.log(`API listening on ${api.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void api.close().then(() => process.exit(0)));
}
