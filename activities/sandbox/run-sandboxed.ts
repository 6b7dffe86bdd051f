import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { cancellation, processGroup } from '../process-group';
import { SandboxFailureType } from '../../workflows/domain/failures';
import { SCRATCH_DIRS, sandboxEnvironment, sandboxRuntimeDir, srtSettings, type SandboxPolicy } from './sandbox-policy';

const CANCELLED = 'Sandboxed command cancelled';

export interface SandboxedCommand {
  /** A shell command line from the operator's configuration (VERIFY_TEST_COMMAND), never production text. */
  command: string;
  policy: SandboxPolicy;
  timeoutMs: number;
  /** CPU seconds for the whole command (ulimit -t): a busy loop stops even when the wall clock is generous. */
  cpuSeconds: number;
  /** Output kept: the head and the tail, half each; the middle is counted, not kept. */
  maxOutputBytes: number;
  parentEnv?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL of the process group. */
  killGraceMs?: number;
}

export interface SandboxedResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Standard output and error, interleaved as written, bounded by maxOutputBytes. */
  output: string;
  droppedBytes: number;
  durationMs: number;
}

/** The shell line srt runs: bounds first, then the operator's command. */
function boundedCommand(opts: SandboxedCommand): string {
  return `ulimit -t ${Math.max(1, Math.ceil(opts.cpuSeconds))}; ulimit -c 0; ${opts.command}`;
}

/**
 * Runs one command under `srt` (Anthropic's sandbox runtime): bubblewrap confines the file system,
 * the network goes through srt's filtering proxies (no route out unless allow-listed), the process
 * gets an allow-listed environment. srt runs in its own process group: a timeout or a cancellation
 * kills it and everything the command started.
 */
export async function runSandboxed(opts: SandboxedCommand): Promise<SandboxedResult> {
  if (opts.signal?.aborted) throw cancellation(opts.signal, CANCELLED);
  await Promise.all(SCRATCH_DIRS.map((d) => mkdir(path.join(opts.policy.scratch, d), { recursive: true })));
  // The settings live beside scratch, not in it: nothing inside needs to read them.
  const settingsDir = await mkdtemp(`${opts.policy.scratch}-srt-`);
  const settingsFile = path.join(settingsDir, 'settings.json');
  await writeFile(settingsFile, JSON.stringify(srtSettings(opts.policy)), { mode: 0o600 });
  try {
    return await spawnBounded(opts, settingsFile);
  } finally {
    await rm(settingsDir, { recursive: true, force: true });
  }
}

function spawnBounded(opts: SandboxedCommand, settingsFile: string): Promise<SandboxedResult> {
  const started = Date.now();
  const cli = path.join(sandboxRuntimeDir(), 'dist', 'cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--settings', settingsFile, '-c', boundedCommand(opts)], {
      cwd: opts.policy.checkout,
      // srt's own sockets go to the worker's temp dir: a Unix socket path must stay under 108 bytes,
      // and scratch lives deep in the work root. The command's TMPDIR is scratch's (CLAUDE_CODE_TMPDIR).
      env: { ...sandboxEnvironment(opts.policy, opts.parentEnv ?? process.env), TMPDIR: tmpdir() },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = new BoundedOutput(opts.maxOutputBytes);
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));

    let timedOut = false;
    let cancelled: Error | undefined;
    const group = processGroup(child, opts.killGraceMs ?? 2_000);
    const timer = setTimeout(() => {
      timedOut = true;
      group.stop();
    }, opts.timeoutMs);
    const onAbort = () => {
      cancelled = cancellation(opts.signal, CANCELLED);
      group.stop();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      group.finish();
    };

    child.on('error', (err) => {
      cleanup();
      reject(
        ApplicationFailure.create({
          type: SandboxFailureType.Unavailable,
          message: `Cannot start the sandbox: ${err.message}`,
          nonRetryable: true,
        }),
      );
    });
    child.on('close', (code, signal) => {
      cleanup();
      if (cancelled) return reject(cancelled);
      const text = output.text();
      // srt refuses to start without bubblewrap, socat or ripgrep: no test may run unconfined.
      if (code !== 0 && /Sandbox dependencies not available|bwrap: /.test(text.slice(0, 2_000)) && !timedOut) {
        return reject(
          ApplicationFailure.create({
            type: SandboxFailureType.Unavailable,
            message: `The sandbox cannot start: ${text.trim().split('\n')[0]?.slice(0, 300)}`,
            nonRetryable: true,
          }),
        );
      }
      resolve({
        exitCode: code,
        signal,
        timedOut,
        output: text,
        droppedBytes: output.dropped,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** Keeps the first and the last halves of a stream: a test failure is usually near one end. */
class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  dropped = 0;
  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    const half = Math.floor(this.max / 2);
    if (this.headBytes < half) {
      const take = chunk.subarray(0, half - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (!chunk.length) return;
    const joined = Buffer.concat([this.tail, chunk]);
    const keep = this.max - half;
    this.dropped += Math.max(0, joined.length - keep);
    this.tail = joined.length > keep ? joined.subarray(joined.length - keep) : joined;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = this.tail.toString('utf8');
    return this.dropped ? `${head}\n[... ${this.dropped} bytes of output cut]\n${tail}` : head + tail;
  }
}
