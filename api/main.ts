import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from '../infra/platform/config/load-config';
import { readConfig } from '../infra/platform/config/read-config';
import { createClient } from '../infra/platform/temporal-connection';
import { createSlackClient } from '../activities/slack/client';
import { createApp } from './create-app';
import { createAdminApp } from './admin/create-admin-app';
import { DecisionDeliveries } from './slack/decision-deliveries';

/**
 * Starts the ingress and the admin listener (the report page, on ADMIN_HOST:ADMIN_PORT); resolves
 * once both listen. `runtimeMetricsUrl`: the in-process worker's metrics, appended to GET /metrics.
 */
export async function startApi(
  config: Config,
  opts: { runtimeMetricsUrl?: string } = {},
): Promise<{ server: Server; url: string; adminUrl: string; close(): Promise<void> }> {
  const client = await createClient(config.temporal);
  const slack = config.slack.botToken ? createSlackClient(config.slack) : undefined;
  const deliveries = new DecisionDeliveries();
  const app = createApp({
    client,
    config,
    deliveries,
    ...(slack ? { slack } : {}),
    ...(opts.runtimeMetricsUrl ? { runtimeMetricsUrl: opts.runtimeMetricsUrl } : {}),
  });
  const server = await listen(app, config.api.port, config.api.host, ['HOST', 'PORT']).catch(async (err: unknown) => {
    await client.connection.close();
    throw err;
  });
  const admin = await listen(createAdminApp({ client, config }), config.api.admin.port, config.api.admin.host, [
    'ADMIN_HOST',
    'ADMIN_PORT',
  ]).catch(async (err: unknown) => {
    await stop(server);
    await client.connection.close();
    throw err;
  });
  return {
    server,
    url: urlOf(server, config.api.host),
    adminUrl: urlOf(admin, config.api.admin.host),
    async close() {
      // Decisions still on their way to a worker get a short grace; the rest are stopped and their clickers told.
      await Promise.all([stop(server), stop(admin), deliveries.drain()]);
      await client.connection.close();
    },
  };
}

/** Resolves once listening; a port in use or not allowed is named with the setting that chose it. */
function listen(app: Express, port: number, host: string, names: [host: string, port: string]): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error to this callback instead of leaving it to the 'error' event.
    const s = app.listen(port, host, (err?: Error) =>
      err ? reject(listenFailure(err, host, port, names)) : resolve(s),
    );
  });
}

function listenFailure(err: NodeJS.ErrnoException, host: string, port: number, [hostName, portName]: string[]): Error {
  const where = `Cannot listen on ${host}:${port} (${hostName}, ${portName})`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new Error(
        `${where}: the port is in use by another process. Stop that process, or set ${portName} to a free port.`,
      );
    case 'EACCES':
      return new Error(
        `${where}: not permitted (ports below 1024 need privileges). Set ${portName} to a port above 1023.`,
      );
    case 'EADDRNOTAVAIL':
      return new Error(
        `${where}: this machine has no such address. Set ${hostName} to one of its addresses (127.0.0.1, 0.0.0.0).`,
      );
    default:
      return new Error(`${where}: ${err.message}`);
  }
}

function urlOf(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function stop(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const api = await startApi(readConfig());
  console.log(`API listening on ${api.url}; admin (report page) on ${api.adminUrl}/report`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void api.close().then(() => process.exit(0)));
}
