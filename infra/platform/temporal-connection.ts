import { readFile } from 'node:fs/promises';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config/load-config';

/** Connection options shared by the client and the worker: plain for the dev server, TLS / API key for a cluster or Temporal Cloud. */
export async function connectionOptions(
  temporal: Pick<Config['temporal'], 'address' | 'apiKey' | 'tls'>,
): Promise<ConnectionOptions & NativeConnectionOptions> {
  const { tls } = temporal;
  const read = (p?: string) => (p ? readFile(p) : Promise.resolve(undefined));
  const [crt, key, ca] = await Promise.all([
    read(tls?.clientCertPath),
    read(tls?.clientKeyPath),
    read(tls?.serverRootCaCertPath),
  ]);
  return {
    address: temporal.address,
    ...(temporal.apiKey ? { apiKey: temporal.apiKey } : {}),
    ...(tls || temporal.apiKey
      ? {
          tls: {
            ...(tls?.serverNameOverride ? { serverNameOverride: tls.serverNameOverride } : {}),
            ...(ca ? { serverRootCACertificate: ca } : {}),
            ...(crt && key ? { clientCertPair: { crt, key } } : {}),
          },
        }
      : {}),
  };
}

export async function createClient(temporal: Config['temporal']): Promise<Client> {
  const connection = await Connection.connect(await connectionOptions(temporal));
  return new Client({ connection, namespace: temporal.namespace });
}
