import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/platform/config/read-config';
import { freePort } from '../support/local';

const children: ReturnType<typeof spawnStart>[] = [];

/** Runs `npm start`'s entry point as a process, with its own config file, ports and SQLite file. */
function start(env: Record<string, string>) {
  const run = spawnStart(env);
  children.push(run);
  return run;
}

function spawnStart(env: Record<string, string>) {
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

/** A config file for an embedded dev server of its own: free ports, a SQLite file in `dir`. */
async function devServerConfig(dir: string) {
  const [temporalPort, uiPort] = [await freePort(), await freePort()];
  const config = JSON.parse(await readFile(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as {
    temporal: { address: string };
    devServer: { dbFilename: string; uiPort: number };
  };
  config.temporal.address = `127.0.0.1:${temporalPort}`;
  config.devServer.dbFilename = path.join(dir, 'temporal.sqlite');
  config.devServer.uiPort = uiPort;
  const file = path.join(dir, 'temporal.config.json');
  await writeFile(file, JSON.stringify(config));
  return { file, temporalPort, uiPort };
}

describe('npm start', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    // A test that failed half-way must not leave `npm start` (and its dev server) running: Ctrl-C it.
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGINT');
    await Promise.all(
      children.map((c) =>
        Promise.race([c.exited, new Promise((r) => setTimeout(r, 20_000))]).then(() => c.child.kill('SIGKILL')),
      ),
    );
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('brings up the dev server, worker and API, prints their URLs, and stops cleanly on Ctrl-C', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'npm-start-'));
    dirs.push(dir);
    const { file, temporalPort, uiPort } = await devServerConfig(dir);
    // The listeners' ports are the OS's choice: a port picked here could be taken by the dev server's own
    // internal listeners before the API binds it. The printed URLs must then name the real ports.
    const run = start({
      TEMPORAL_CONFIG_FILE: file,
      PORT: '0',
      ADMIN_PORT: '0',
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'info',
      // Not set up for real: the setup check says so, and the service runs all the same.
      SLACK_BOT_TOKEN: '',
    });
    await expect.poll(run.output, { timeout: 90_000, interval: 500 }).toContain('Press Ctrl-C to stop.');
    await expect.poll(run.output, { timeout: 30_000, interval: 500 }).toMatch(/Setup check: \d+ to look at/);
    await expect
      .poll(run.output, { timeout: 10_000, interval: 200 })
      .toMatch(/fail +slack\.auth +SLACK_BOT_TOKEN is not set/);
    // What builds on the missing token is not repeated; the workers it has just started are not checked.
    expect(run.output()).not.toMatch(/slack\.scopes|temporal\.workers/);
    expect(run.output()).toContain(`Temporal        127.0.0.1:${temporalPort}`);
    expect(run.output()).toContain(`Temporal Web UI http://127.0.0.1:${uiPort}`);
    const apiPort = Number(/API {13}http:\/\/127\.0\.0\.1:(\d+)\n/.exec(run.output())?.[1]);
    const adminPort = Number(/Admin {11}http:\/\/127\.0\.0\.1:(\d+) /.exec(run.output())?.[1]);
    expect(apiPort).toBeGreaterThan(0);
    expect(adminPort).toBeGreaterThan(0);
    // The schedules, after the search attributes: one line (the digest at least; a scan per configured repository).
    expect(run.output()).toMatch(/Schedules: \d+ configured; created [^\n]*-report-digest/);
    // Not a terminal: log lines stay JSON for shippers, and the workflow bundler's report is not among them.
    expect(run.output()).not.toMatch(/Workflow bundle created|asset workflow-bundle/);
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
    const selftest = await fetch(`http://127.0.0.1:${apiPort}/selftest`, { method: 'POST' });
    expect(await selftest.json()).toMatchObject({ status: 'ok', echoed: 'ping' });
    // The admin listener serves the report (the self-test run is not a pipeline run).
    expect(await (await fetch(`http://127.0.0.1:${adminPort}/report.json`)).json()).toMatchObject({ runs: 0 });

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('Stopped.');
    // Nothing keeps listening: the dev server went down with it.
    await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${adminPort}/report.json`)).rejects.toThrow();
  }, 120_000);

  it('an API port in use fails with the setting to change, and takes the dev server down with it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'npm-start-busy-'));
    dirs.push(dir);
    const { file, uiPort } = await devServerConfig(dir);
    const busy = net.createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const metrics = `127.0.0.1:${await freePort()}`;
      const run = start({
        TEMPORAL_CONFIG_FILE: file,
        PORT: String(port),
        ADMIN_PORT: '0',
        WORKER_METRICS_ADDRESS: metrics,
      });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(
        `Cannot listen on 127.0.0.1:${port} (HOST, PORT): the port is in use by another process. Stop that process, or set PORT to a free port.`,
      );
      expect(run.output()).not.toContain('Bugfix pipeline is running');
      // The embedded dev server (its own process group) did not outlive the failed start.
      await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();

      // The worker's metrics address taken: named before anything starts.
      const taken = `127.0.0.1:${port}`;
      const again = start({ TEMPORAL_CONFIG_FILE: file, PORT: '0', ADMIN_PORT: '0', WORKER_METRICS_ADDRESS: taken });
      expect(await again.exited).toBe(2);
      expect(again.output()).toMatch(
        new RegExp(
          `WORKER_METRICS_ADDRESS=${taken}: the worker's metrics cannot be served there \\(.*in use.*\\)\\. Set WORKER_METRICS_ADDRESS to a free host:port, or off for none\\.`,
        ),
      );
      expect(again.output()).not.toContain('Starting Temporal dev server');
    } finally {
      busy.close();
    }
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
