import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/platform/config/read-config';
import { freePort } from '../support/local';

/** Runs `npm start`'s entry point as a process, with its own config file, ports and SQLite file. */
function start(env: Record<string, string>) {
  const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/start.ts'], {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('npm start', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('brings up the dev server, worker and API, prints their URLs, and stops cleanly on Ctrl-C', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'npm-start-'));
    dirs.push(dir);
    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const config = JSON.parse(await readFile(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as {
      temporal: { address: string };
      devServer: { dbFilename: string; uiPort: number };
    };
    config.temporal.address = `127.0.0.1:${temporalPort}`;
    config.devServer.dbFilename = path.join(dir, 'temporal.sqlite');
    config.devServer.uiPort = uiPort;
    await writeFile(path.join(dir, 'temporal.config.json'), JSON.stringify(config));

    const run = start({
      TEMPORAL_CONFIG_FILE: path.join(dir, 'temporal.config.json'),
      PORT: String(apiPort),
      LOG_LEVEL: 'info',
    });
    await expect.poll(run.output, { timeout: 90_000, interval: 500 }).toContain('Press Ctrl-C to stop.');
    expect(run.output()).toContain(`Temporal        127.0.0.1:${temporalPort}`);
    expect(run.output()).toContain(`Temporal Web UI http://127.0.0.1:${uiPort}`);
    expect(run.output()).toContain(`API             http://127.0.0.1:${apiPort}`);
    // Not a terminal: log lines stay JSON for shippers, and the workflow bundler's report is not among them.
    expect(run.output()).not.toMatch(/Workflow bundle created|asset workflow-bundle/);
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
    const selftest = await fetch(`http://127.0.0.1:${apiPort}/selftest`, { method: 'POST' });
    expect(await selftest.json()).toMatchObject({ status: 'ok', echoed: 'ping' });

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('Stopped.');
    // Nothing keeps listening: the dev server went down with it.
    await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();
  }, 120_000);

  it('a wrong value in the config file fails at once, naming the key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'npm-start-bad-'));
    dirs.push(dir);
    const config = JSON.parse(await readFile(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as {
      temporal: { namespace: unknown };
    };
    config.temporal.namespace = 42;
    await writeFile(path.join(dir, 'temporal.config.json'), JSON.stringify(config));
    const run = start({ TEMPORAL_CONFIG_FILE: path.join(dir, 'temporal.config.json') });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/temporal\.config\.json: temporal\.namespace: .*expected string/i);
  }, 60_000);
});
