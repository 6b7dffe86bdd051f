import net from 'node:net';
import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config/load-config';
import { createClient } from '../platform/temporal-connection';
import { explainTemporalError, unreachable, type TemporalTarget } from './temporal-errors';

/** Socket errors that mean nothing listens there (or the name does not resolve), as people say it. */
const SOCKET_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/**
 * The CLI's client: connected within `target.timeoutMs`, every call bounded by it too. A plain TCP
 * connect first tells "nothing listens there" apart at once (gRPC alone would retry until the
 * deadline and then only say it failed); a server that accepts but never answers gets the deadline.
 */
export async function connectCli(temporal: Config['temporal'], target: TemporalTarget): Promise<Client> {
  // Through a proxy the direct connect proves nothing: leave it to gRPC.
  if (!viaProxy()) {
    const cause = await tcpProbe(temporal.address, target.timeoutMs);
    if (cause) throw unreachable(target, cause);
  }
  try {
    return await createClient(temporal, { timeoutMs: target.timeoutMs });
  } catch (err) {
    if (/before the deadline/i.test((err as Error).message ?? ''))
      throw unreachable(
        target,
        `it accepted the connection but gave no gRPC answer within ${Math.round(target.timeoutMs / 100) / 10} s`,
        `a stuck or overloaded server, or not Temporal's frontend (a UI or metrics port?): check the server's logs and that the address is its gRPC port (7233 by default); allow longer with --timeout or BUGFIX_CLI_TIMEOUT`,
      );
    throw explainTemporalError(err, target) ?? unreachable(target, errorChain(err));
  }
}

/** Undefined when a TCP connection opens; else why not, in words. */
export function tcpProbe(address: string, timeoutMs: number): Promise<string | undefined> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (cause: string | undefined) => {
      socket.destroy();
      resolve(cause);
    };
    socket.setTimeout(timeoutMs, () =>
      done(`no TCP answer within ${Math.round(timeoutMs / 100) / 10} s: a firewall, or the wrong host?`),
    );
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(SOCKET_CAUSES[err.code ?? ''] ?? `${err.code ?? 'error'}: ${err.message}`),
    );
  });
}

function viaProxy(): boolean {
  return ['grpc_proxy', 'https_proxy', 'http_proxy'].some((v) => process.env[v] ?? process.env[v.toUpperCase()]);
}

function errorChain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message);
  return parts.join(': ') || String(err);
}
