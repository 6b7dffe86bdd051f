import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/domain/search-attributes';
import type { Config } from '../platform/config/load-config';

const CLI_TYPE: Record<string, string> = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  TEXT: 'Text',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `temporal server start-dev` flags for the project: persistent SQLite in WAL mode, Web UI, custom search attributes. */
export function devServerArgs(config: Config): string[] {
  const [ip, port] = splitAddress(config.temporal.address);
  return [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--ui-port',
    String(config.devServer.uiPort),
    '--namespace',
    config.temporal.namespace,
    '--db-filename',
    config.devServer.dbFilename,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--log-level',
    config.devServer.logLevel,
    ...ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]),
  ];
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
}

export interface DevServer {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the dev server in its own process group (so Ctrl-C reaches us first and we stop it last) and waits until it answers. */
export async function startDevServer(cliPath: string, config: Config): Promise<DevServer> {
  mkdirSync(path.dirname(config.devServer.dbFilename), { recursive: true });
  const child = spawn(cliPath, devServerArgs(config), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 250))]);
    if (early !== 'running')
      throw new Error(`Temporal dev server exited with code ${early} before it was ready:\n${output}`);
    try {
      const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `Temporal dev server did not answer on ${config.temporal.address} within 60s: ${(err as Error).message}\n${output}`,
        );
      }
    }
  }

  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
