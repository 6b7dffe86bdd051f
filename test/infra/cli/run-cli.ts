import { spawn } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { repoRoot } from '../../../infra/platform/config/read-config';
import type { E2E } from '../../support/e2e';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (the commands' --json output). */
  json<T = Record<string, unknown>>(): T;
}

/** The environment an operator's shell would have for this harness's service. */
export function cliEnv(e: E2E): Record<string, string> {
  const { TEMPORAL_TASK_QUEUE, WORKFLOW_ID_PREFIX } = e.pipeline.env;
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: TEMPORAL_TASK_QUEUE!,
    WORKFLOW_ID_PREFIX: WORKFLOW_ID_PREFIX!,
    // The operators these tests decide as; the CLI checks them as the Slack buttons do.
    APPROVER_SLACK_USER_IDS: 'carol,dave,oncall',
    BUGFIX_SLACK_USER_ID: 'oncall',
  };
}

/**
 * Runs `tsx infra/cli/main.ts <args>` as its own process, asynchronously: the fakes the
 * workflow talks to live in this process and must keep answering meanwhile.
 */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bugfix ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      // CLI_ECHO=1 shows what an operator would have seen.
      if (process.env.CLI_ECHO) console.log(`$ bugfix ${args.join(' ')}  [exit ${code}]\n${stdout}${stderr}`);
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`bugfix ${args.join(' ')} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
          }
        },
      });
    });
  });
}

/** Visibility is eventually consistent: retries `check` until it passes. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
