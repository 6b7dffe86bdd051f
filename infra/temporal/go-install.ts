/** Shared by the builds of the pinned Temporal binaries (the CLI, and the server and its SQL tool for the cluster). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export const log = (msg: string) => process.stderr.write(`[temporal] ${msg}\n`);

export async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Runs a command, echoing its output lines with a prefix and an elapsed-time heartbeat. */
export function runWithProgress(cmd: string, args: string[], env: NodeJS.ProcessEnv, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) log(`  ${line.trim()}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const beat = setInterval(
      () => log(`  ${label}: still working, ${Math.round((Date.now() - started) / 1000)}s elapsed`),
      15_000,
    );
    child.on('error', (err) => {
      clearInterval(beat);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(beat);
      if (code === 0) {
        log(`  ${label}: done in ${Math.round((Date.now() - started) / 1000)}s`);
        resolve();
      } else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? 'a signal'}\n${tail}`));
    });
  });
}

export async function goBinary(): Promise<string> {
  const go = (await onPath('go')) ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new Error('no Go toolchain found (go on PATH or /usr/local/go/bin/go)');
  return go;
}

/**
 * `go install`s packages into a scratch GOBIN, then renames each binary to its target: a concurrent
 * or interrupted build never leaves a half-written binary where a later run would trust it.
 */
export async function goInstall(
  packages: string[],
  targets: Record<string, string>,
  ldflags: string,
  label: string,
): Promise<void> {
  const go = await goBinary();
  const first = Object.values(targets)[0]!;
  const scratch = await mkdtemp(path.join(path.dirname(first), '.build-'));
  try {
    await runWithProgress(
      go,
      ['install', ...(ldflags ? ['-ldflags', ldflags] : []), ...packages],
      { ...process.env, GOBIN: scratch, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
      label,
    );
    for (const [built, target] of Object.entries(targets)) await rename(path.join(scratch, built), target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
