import { readFile } from 'node:fs/promises';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';
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

/**
 * `timeoutMs` (the CLI's): connecting and every call without a deadline of its own give up after
 * that long, so a stuck server gets an answer instead of a hang. Without it, the SDK's defaults.
 */
export async function createClient(temporal: Config['temporal'], opts: { timeoutMs?: number } = {}): Promise<Client> {
  const base = await connectionOptions(temporal);
  const connection = await Connection.connect(
    opts.timeoutMs
      ? {
          ...base,
          connectTimeout: opts.timeoutMs,
          interceptors: [callDeadline(opts.timeoutMs), makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
        }
      : base,
  );
  return new Client({ connection, namespace: temporal.namespace });
}

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * A gRPC interceptor giving each call a deadline `ms` from its start unless it has one (the SDK's
 * `withDeadline`). Outermost, so the retries of one call share its deadline.
 */
export function callDeadline(ms: number): Interceptor {
  // A pass-through interceptor may hand back the next call as is (grpc-js chains the results as calls).
  return ((options, nextCall) =>
    nextCall({
      ...options,
      deadline: hasDeadline(options.deadline) ? options.deadline : Date.now() + ms,
    })) as Interceptor;
}

function hasDeadline(d: Date | number | undefined): boolean {
  return d !== undefined && Number.isFinite(d instanceof Date ? d.getTime() : d);
}
