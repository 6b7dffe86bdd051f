import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../infra/platform/config/load-config';
import { repoRoot } from '../../infra/platform/config/read-config';
import { ensureTemporalCli } from '../../infra/temporal/ensure-cli';
import { startDevServer } from '../../infra/temporal/dev-server';
import { freePort } from '../support/local';

describe('embedded dev server (the one npm start runs)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('serves the Web UI, registers the search attributes, and keeps workflows across a restart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'devserver-'));
    dirs.push(dir);
    const file = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as unknown;
    const [port, uiPort] = [await freePort(), await freePort()];
    const config = loadConfig(file, { TEMPORAL_UI_PORT: String(uiPort) });
    config.temporal.address = `127.0.0.1:${port}`;
    config.devServer.dbFilename = path.join(dir, 'temporal.sqlite');
    const cli = await ensureTemporalCli({ version: config.devServer.cliVersion });

    let server = await startDevServer(cli, config);
    let connection = await Connection.connect({ address: config.temporal.address });
    let client = new Client({ connection });
    const handle = await client.workflow.start('bugfixWorkflow', {
      taskQueue: 'nobody-polls',
      workflowId: 'persisted-run',
      args: [],
    });
    const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
    expect(ui.status).toBe(200);
    const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(attributes.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['BugfixFingerprint', 'BugfixService', 'BugfixStage']),
    );
    await connection.close();
    await server.stop();
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);

    server = await startDevServer(cli, config);
    connection = await Connection.connect({ address: config.temporal.address });
    client = new Client({ connection });
    const described = await client.workflow.getHandle('persisted-run').describe();
    expect(described.runId).toBe(handle.firstExecutionRunId);
    expect(described.status.name).toBe('RUNNING');
    await connection.close();
    await server.stop();
  }, 90_000);

  it('fails with a clear message when TEMPORAL_CLI_PATH is not a Temporal CLI', async () => {
    await expect(ensureTemporalCli({ version: '1.5.1', cliPath: '/bin/false' })).rejects.toThrow(
      /TEMPORAL_CLI_PATH=\/bin\/false is not a working Temporal CLI/,
    );
  });
});
