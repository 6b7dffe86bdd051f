import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../infra/platform/config/read-config';

/** Processes whose working directory is under `dir` (the Claude Code CLI runs in the run's checkout). */
export function processesUnder(dir: string): { pid: number; cmdline: string; environ: Record<string, string> }[] {
  const found: { pid: number; cmdline: string; environ: Record<string, string> }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (!cwd.startsWith(dir)) continue;
      const environ = Object.fromEntries(
        readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      found.push({
        pid: Number(entry),
        cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '),
        environ,
      });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** A worker in a process of its own (`npm run worker`), so a test can kill it like a crashed host. */
export async function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['workers/main.ts'], {
    cwd: repoRoot,
    // Several workers run at once in tests: none binds the default metrics port.
    env: { ...process.env, WORKER_METRICS_ADDRESS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Worker polling')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before polling:\n${output}`)));
  });
  return child;
}

/** SIGKILL a whole process group, as when a host or container dies. */
export function killGroup(child: ChildProcess): void {
  if (child.pid) process.kill(-child.pid, 'SIGKILL');
}
