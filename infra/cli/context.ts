import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config/load-config';
import { readConfig } from '../platform/config/read-config';
import { connectCli } from './connect';
import { explainTemporalError, type TemporalTarget } from './temporal-errors';

/** Options every command accepts. */
export interface CommonOptions {
  json?: boolean;
  /** --timeout: how long to wait on Temporal for one answer (default BUGFIX_CLI_TIMEOUT). */
  timeout?: number;
}

/**
 * What a command runs with: the service's own configuration (temporal.config.json and
 * the environment, so TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ... work the same) and a
 * client connected on first use, whose every call gives up after `timeoutMs`.
 */
export class CliContext {
  readonly config: Config;
  /** How long one call to Temporal may take: --timeout, else BUGFIX_CLI_TIMEOUT. */
  readonly timeoutMs: number;
  private client?: Promise<Client>;

  constructor(
    readonly json: boolean,
    timeoutMs?: number,
  ) {
    this.config = readConfig(process.env);
    this.timeoutMs = timeoutMs ?? this.config.cli.timeoutMs;
  }

  /** The server as the messages name it. */
  get target(): TemporalTarget {
    const { address, namespace, taskQueue } = this.config.temporal;
    return { address, namespace, taskQueue, timeoutMs: this.timeoutMs, embedded: this.config.devServer.enabled };
  }

  temporal(): Promise<Client> {
    this.client ??= connectCli(this.config.temporal, this.target);
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

/**
 * Runs a command's body with a context, always closing the connection. What Temporal's SDK throws
 * comes out as the cause and the next step (temporal-errors.ts), never as the SDK's bare message.
 */
export async function withContext<T>(opts: CommonOptions, body: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = new CliContext(Boolean(opts.json), opts.timeout);
  try {
    return await body(ctx);
  } catch (err) {
    throw explainTemporalError(err, ctx.target) ?? err;
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
