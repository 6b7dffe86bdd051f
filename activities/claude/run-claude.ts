import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { cancellation, processGroup } from '../process-group';
import { ClaudeFailureType } from '../../workflows/domain/failures';

export interface RunClaudeOptions {
  cwd: string;
  prompt: string;
  /** Defaults to the npm-installed CLI of this project. */
  cliPath?: string;
  env: Record<string, string>;
  args: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  onHeartbeat?: (info: { elapsedMs: number; bytes: number }) => void;
  heartbeatIntervalMs?: number;
  /** Between SIGTERM and SIGKILL of the process group. */
  killGraceMs?: number;
  /** Called once the CLI is running, with its pid (= its process group id). */
  onSpawn?: (pid: number) => void;
}

export interface ClaudeRun {
  result: string;
  numTurns: number;
  costUsd: number;
  sessionId: string;
  raw: unknown;
}

/** The fields of `--output-format json` this module reads. */
interface CliResult {
  type: 'result';
  subtype?: string;
  is_error?: boolean;
  result?: string;
  num_turns?: number;
  total_cost_usd?: number;
  session_id?: string;
  errors?: string[];
  api_error_status?: number | null;
  terminal_reason?: string;
}

const TAIL = 4_000;
const CANCELLED = 'Claude Code run cancelled';

/** The CLI that `npm install` put in the project root's node_modules (a native binary). */
export function defaultClaudePath(): string {
  return fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));
}

/**
 * Runs the Claude Code CLI once, headless: the prompt goes to stdin, one JSON result comes
 * back on stdout. The CLI runs in its own process group (no shell) so a timeout or a
 * cancellation kills it and anything it started.
 *
 * Failures:
 *  - `ClaudeTimeout` (retryable): the wall clock ran out. A hang is often the API being slow
 *    or stuck, which a later attempt may not meet; a retry policy can still stop it.
 *  - `ClaudeFailed` (retryable unless the CLI cannot be started): non-zero exit, unparsable
 *    output, `is_error` or a non-success subtype such as `error_max_turns`.
 *  - the cancellation itself when `signal` aborts.
 */
export function runClaude(opts: RunClaudeOptions): Promise<ClaudeRun> {
  const started = Date.now();
  const cliPath = opts.cliPath ?? defaultClaudePath();
  return new Promise<ClaudeRun>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancellation(opts.signal, CANCELLED));

    const child = spawn(cliPath, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let bytes = 0;
    let stopping: Error | undefined;

    child.stdout.on('data', (c: Buffer) => {
      stdout.push(c);
      bytes += c.length;
    });
    child.stderr.on('data', (c: Buffer) => {
      bytes += c.length;
      stderr = (stderr + c.toString('utf8')).slice(-TAIL);
    });
    // The CLI may exit before reading all of stdin; the exit status tells what happened.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.prompt);

    const group = processGroup(child, opts.killGraceMs ?? 3_000);
    const stop = (reason: Error) => {
      if (stopping) return;
      stopping = reason;
      group.stop();
    };

    const timeout = setTimeout(() => {
      stop(
        ApplicationFailure.create({
          type: ClaudeFailureType.Timeout,
          message: `Claude Code did not finish within ${opts.timeoutMs} ms`,
          details: [{ stderrTail: stderr.slice(-1_000) }],
        }),
      );
    }, opts.timeoutMs);
    const heartbeat = setInterval(
      () => opts.onHeartbeat?.({ elapsedMs: Date.now() - started, bytes }),
      opts.heartbeatIntervalMs ?? 5_000,
    );
    const onAbort = () => stop(cancellation(opts.signal, CANCELLED));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const cleanup = () => {
      clearTimeout(timeout);
      clearInterval(heartbeat);
      opts.signal?.removeEventListener('abort', onAbort);
      // Whatever the CLI left behind in its group goes with it.
      group.finish();
    };

    child.on('spawn', () => child.pid !== undefined && opts.onSpawn?.(child.pid));
    child.on('error', (err) => {
      cleanup();
      reject(
        ApplicationFailure.create({
          type: ClaudeFailureType.Failed,
          message: `Cannot start Claude Code at ${cliPath}: ${err.message}`,
          nonRetryable: true,
          cause: err,
        }),
      );
    });
    child.on('close', (code, signal) => {
      cleanup();
      if (stopping) return reject(stopping);
      try {
        resolve(interpret(Buffer.concat(stdout).toString('utf8'), code, signal, stderr));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function interpret(stdout: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): ClaudeRun {
  const parsed = parseResult(stdout);
  const exit = signal ? `signal ${signal}` : `exit code ${code}`;
  if (!parsed) {
    throw ApplicationFailure.create({
      type: ClaudeFailureType.Failed,
      message:
        code === 0
          ? 'Claude Code printed no JSON result'
          : `Claude Code failed (${exit}): ${lastLine(stderr) || lastLine(stdout)}`,
      details: [{ exit, stderrTail: stderr, stdoutTail: stdout.slice(-TAIL) }],
    });
  }
  if (parsed.is_error || (parsed.subtype && parsed.subtype !== 'success') || code !== 0) {
    const why = parsed.errors?.join('; ') || parsed.result || parsed.subtype || exit;
    const overBudget = parsed.subtype === 'error_max_budget_usd';
    throw ApplicationFailure.create({
      type: overBudget ? ClaudeFailureType.OverBudget : ClaudeFailureType.Failed,
      nonRetryable: overBudget,
      message: `Claude Code ended with ${parsed.subtype ?? 'an error'}: ${why}`.slice(0, 1_000),
      details: [
        {
          subtype: parsed.subtype,
          terminalReason: parsed.terminal_reason,
          apiErrorStatus: parsed.api_error_status,
          numTurns: parsed.num_turns,
          sessionId: parsed.session_id,
          exit,
          stderrTail: stderr,
        },
      ],
    });
  }
  return {
    result: parsed.result ?? '',
    numTurns: parsed.num_turns ?? 0,
    costUsd: parsed.total_cost_usd ?? 0,
    sessionId: parsed.session_id ?? '',
    raw: parsed,
  };
}

/** The result object: the whole output, or its last line if the CLI printed anything before it. */
function parseResult(stdout: string): CliResult | undefined {
  const candidates = [stdout.trim(), lastLine(stdout)];
  for (const text of candidates) {
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'result')
        return value as CliResult;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}
