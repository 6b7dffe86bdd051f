import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxed, type SandboxedCommand } from '../../../activities/sandbox/run-sandboxed';
import { SERVICE_ROOT, sandboxPolicy } from '../../../activities/sandbox/sandbox-policy';

/**
 * Each boundary of the sandbox, proved from inside it: a command that tries to cross it, and a
 * check from outside that it did not. The same commands succeed without the boundary (the
 * `control` cases), so a test cannot pass because the command itself was broken.
 */
const run = promisify(execFile);

let root: string;
let checkout: string;
let dataDir: string;
let server: Server;
let serverUrl: string;
const secretEnv = {
  SLACK_BOT_TOKEN: 'xoxb-planted-secret',
  GITHUB_TOKEN: 'ghp_planted_secret',
  ANTHROPIC_API_KEY: 'sk-ant-planted',
  DATADOG_API_KEY: 'dd-planted',
};

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sandbox-bounds-'));
  checkout = path.join(root, 'work', 'run-1');
  dataDir = path.join(root, 'repos');
  await mkdir(checkout, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, 'other-repo-secret.txt'), 'repository store content');
  await writeFile(path.join(root, 'work', 'other-run.txt'), "another run's file");
  server = createServer((_req, res) => res.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

function sandboxed(command: string, over: Partial<SandboxedCommand> = {}) {
  return runSandboxed({
    command,
    policy: sandboxPolicy({
      checkout,
      scratch: `${checkout}.sandbox`,
      allowedDomains: [],
      serviceDirs: [dataDir, path.join(root, 'work')],
      pathEnv: process.env.PATH ?? '',
    }),
    timeoutMs: 30_000,
    cpuSeconds: 60,
    maxOutputBytes: 100_000,
    parentEnv: { ...process.env, ...secretEnv },
    ...over,
  });
}

describe('the test sandbox', () => {
  it('has no network: neither a loopback server nor an outside host answers', async () => {
    const fetchScript = (url: string) =>
      `node -e "fetch('${url}').then(r => r.text()).then(t => console.log('BODY', t), e => console.log('BLOCKED', e.cause?.code ?? e.message))"`;
    // Control: the same script reaches the server from outside.
    const outside = await run('sh', ['-c', fetchScript(serverUrl)]);
    expect(outside.stdout).toContain('BODY reached');

    const inside = await sandboxed(`${fetchScript(serverUrl)}; ${fetchScript('http://example.com/')}`);
    expect(inside.output).not.toContain('BODY');
    expect(inside.output.match(/BLOCKED/g)).toHaveLength(2);
  });

  it('writes only inside the checkout', async () => {
    const outsideFile = path.join(root, 'escaped.txt');
    const shared = [`/var/tmp/bugfix-escape-${process.pid}`, `/dev/shm/bugfix-escape-${process.pid}`];
    const r = await sandboxed(
      `echo in > inside.txt; echo out > ${outsideFile}; echo out > /etc/escaped-${Date.now()}; ${shared.map((f) => `echo out > ${f}`).join('; ')}`,
    );
    expect(await readFile(path.join(checkout, 'inside.txt'), 'utf8')).toBe('in\n');
    expect(existsSync(outsideFile)).toBe(false);
    for (const f of shared) expect(existsSync(f), f).toBe(false);
    expect(r.output).toMatch(/Read-only file system|Permission denied|No such file/);
  });

  it("cannot read the service's code, its data, other runs or the temp root", async () => {
    const targets = [
      path.join(SERVICE_ROOT, 'package.json'),
      path.join(dataDir, 'other-repo-secret.txt'),
      path.join(root, 'work', 'other-run.txt'),
    ];
    // Control: each file is readable from outside.
    for (const t of targets) expect((await readFile(t, 'utf8')).length).toBeGreaterThan(0);
    const r = await sandboxed(
      targets.map((t) => `cat ${t} >/dev/null 2>&1 && echo READ ${t} || echo DENIED`).join('; '),
    );
    expect(r.output).not.toContain('READ');
    expect(r.output.match(/DENIED/g)).toHaveLength(targets.length);
  });

  it('gets no secret from the environment', async () => {
    const r = await sandboxed('env');
    for (const [name, value] of Object.entries(secretEnv)) {
      expect(r.output).not.toContain(name);
      expect(r.output).not.toContain(value);
    }
    expect(r.output).toContain(`HOME=${checkout}.sandbox/home`);
  });

  it('is killed with everything it started at its time limit', async () => {
    const marker = `9${randomBytes(4).readUInt32BE(0)}`;
    const started = Date.now();
    const r = await sandboxed(`sleep 3${marker} & sleep 3${marker}`, { timeoutMs: 1_500, killGraceMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    const left = await run('pgrep', ['-f', `sleep 3${marker}`]).catch((e: { code?: number }) => e);
    expect((left as { code?: number }).code).toBe(1); // pgrep: nothing matched
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('run cancelled')), 1_000);
    await expect(sandboxed('sleep 20', { signal: abort.signal })).rejects.toThrow('run cancelled');
  });

  it('keeps the head and the tail of a long output', async () => {
    const r = await sandboxed('echo FIRST; seq 1 200000; echo LAST', { maxOutputBytes: 10_000 });
    expect(r.output.startsWith('FIRST')).toBe(true);
    expect(r.output.trimEnd().endsWith('LAST')).toBe(true);
    expect(r.droppedBytes).toBeGreaterThan(1_000_000);
    expect(r.output.length).toBeLessThan(11_000);
  });

  it('stops a busy loop at its CPU limit', async () => {
    const r = await sandboxed('node -e "for(;;){}"', { cpuSeconds: 1 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.durationMs).toBeLessThan(15_000);
  });
});
