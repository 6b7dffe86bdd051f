import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config/load-config';
import { readConfig } from '../platform/config/read-config';
import { createClient } from '../platform/temporal-connection';

/** Options every command accepts. */
export interface CommonOptions {
  json?: boolean;
}

/**
 * What a command runs with: the service's own configuration (temporal.config.json and
 * the environment, so TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ... work the same) and a
 * client connected on first use.
 */
export class CliContext {
  readonly config: Config;
  private client?: Promise<Client>;

  constructor(readonly json: boolean) {
    this.config = readConfig(process.env);
  }

  temporal(): Promise<Client> {
    const { address, namespace } = this.config.temporal;
    this.client ??= createClient(this.config.temporal).catch((err: Error) => {
      throw new Error(
        `Cannot reach Temporal at ${address} (namespace ${namespace}): ${err.message}. Set TEMPORAL_ADDRESS to the service's server.`,
      );
    });
    return this.client;
  }

  /** Prints `data` as one JSON document with --json, else the human text. */
  async print(human: string | (() => string), data: unknown): Promise<void> {
    await write(
      process.stdout,
      this.json ? `${JSON.stringify(data, null, 2)}\n` : `${typeof human === 'function' ? human() : human}\n`,
    );
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client.catch(() => undefined))?.connection.close();
  }
}

/** Runs a command's body with a context, always closing the connection. */
export async function withContext<T>(opts: CommonOptions, body: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = new CliContext(Boolean(opts.json));
  try {
    return await body(ctx);
  } finally {
    await ctx.close();
  }
}

/** The run in the Temporal Web UI (the same link the workflow puts in RunStatus.runUrl). */
export function uiLink(config: Config, workflowId: string, runId: string): string {
  return `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

/** Who is at the keyboard: `--as <name>`, else the OS user. */
export function operatorName(as?: string): string {
  const name = as?.trim() || os.userInfo().username;
  return name || 'unknown';
}

/** Resolves once the chunk is flushed, so exiting right after loses nothing on a pipe. */
export function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}
