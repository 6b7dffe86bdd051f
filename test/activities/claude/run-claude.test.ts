import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { runClaude, type RunClaudeOptions } from '../../../activities/claude/run-claude';
import { claudeArgs, claudeEnvironment } from '../../../activities/claude/sandbox';
import {
  primaryWorkingDirectory,
  startAnthropicFake,
  type AnthropicFake,
  type RecordedRequest,
} from '../../fakes/anthropic-fake';

let fake: AnthropicFake | undefined;
let dir: string;
let home: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-claude-cwd-'));
  home = await mkdtemp(join(tmpdir(), 'run-claude-home-'));
  await writeFile(join(dir, 'notes.txt'), 'hello\n');
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

function realCli(over: Partial<RunClaudeOptions> & { maxTurns?: number } = {}): RunClaudeOptions {
  return {
    cwd: dir,
    prompt: 'Look at notes.txt',
    env: claudeEnvironment({ home, anthropicBaseUrl: fake?.url, anthropicApiKey: 'sk-ant-fake' }),
    args: claudeArgs({ maxTurns: over.maxTurns ?? 5 }),
    timeoutMs: 60_000,
    ...over,
  };
}

/** A stand-in CLI: node running a one-line script, to reach the exit paths the real CLI rarely takes. */
function nodeCli(script: string, over: Partial<RunClaudeOptions> = {}): RunClaudeOptions {
  return {
    cwd: dir,
    prompt: 'x',
    cliPath: process.execPath,
    env: { PATH: process.env.PATH ?? '' },
    args: ['-e', script],
    timeoutMs: 10_000,
    ...over,
  };
}

async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('runClaude', () => {
  it('kills the process group of a hanging run and fails with a retryable ClaudeTimeout', async () => {
    fake = await startAnthropicFake(['hang']);
    let pid = 0;
    const started = Date.now();
    const err = await runClaude(realCli({ timeoutMs: 6_000, killGraceMs: 1_000, onSpawn: (p) => (pid = p) })).catch(
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;

    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('ClaudeTimeout');
    expect((err as ApplicationFailure).nonRetryable).toBeFalsy();
    expect(fake.turnRequests()).toHaveLength(1); // it did reach the model and hang there
    expect(elapsed).toBeGreaterThanOrEqual(6_000);
    expect(elapsed).toBeLessThan(6_000 + 1_000 + 1_500);
    expect(pid).toBeGreaterThan(0);
    expect(await groupGone(pid)).toBe(true);
  });

  it('stops the CLI when the abort signal fires and rethrows the cancellation', async () => {
    fake = await startAnthropicFake(['hang']);
    const controller = new AbortController();
    let pid = 0;
    const running = runClaude(realCli({ signal: controller.signal, onSpawn: (p) => (pid = p) })).catch(
      (e: unknown) => e,
    );
    await fake.hung;
    const reason = new CancelledFailure('activity cancelled');
    const abortedAt = Date.now();
    controller.abort(reason);

    expect(await running).toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(4_000);
    expect(await groupGone(pid)).toBe(true);
  });

  it('reports a run that hits --max-turns as ClaudeFailed with the subtype', async () => {
    const read = (req: RecordedRequest) => ({
      type: 'tool_use' as const,
      name: 'Read',
      input: { file_path: join(primaryWorkingDirectory(req), 'notes.txt') },
    });
    fake = await startAnthropicFake([read, read, read, () => 'done']);
    const err = await runClaude(realCli({ maxTurns: 1 })).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('ClaudeFailed');
    expect((err as ApplicationFailure).message).toContain('error_max_turns');
    expect((err as ApplicationFailure).details?.[0]).toMatchObject({ subtype: 'error_max_turns' });
  });

  it('stops a session at --max-budget-usd, as a non-retryable ClaudeOverBudget', async () => {
    const read = (req: RecordedRequest) => ({
      type: 'tool_use' as const,
      name: 'Read',
      input: { file_path: join(primaryWorkingDirectory(req), 'notes.txt') },
    });
    fake = await startAnthropicFake([read, read, read, read, () => 'done']);
    const err = await runClaude(realCli({ args: claudeArgs({ maxTurns: 5, maxBudgetUsd: 0.000001 }) })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'ClaudeOverBudget', nonRetryable: true });
    expect((err as ApplicationFailure).details?.[0]).toMatchObject({ subtype: 'error_max_budget_usd' });
    expect(fake.turnRequests().length).toBeLessThan(5);
  });

  it('parses the JSON result and heartbeats while the CLI runs', async () => {
    const result = {
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'All good',
      num_turns: 2,
      total_cost_usd: 0.5,
      session_id: 'sess-1',
    };
    const beats: { elapsedMs: number; bytes: number }[] = [];
    const run = await runClaude(
      nodeCli(
        `process.stdin.resume(); process.stdin.on('end', () => setTimeout(() => console.log(${JSON.stringify(JSON.stringify(result))}), 400))`,
        {
          heartbeatIntervalMs: 100,
          onHeartbeat: (b) => beats.push(b),
        },
      ),
    );
    expect(run).toMatchObject({ result: 'All good', numTurns: 2, costUsd: 0.5, sessionId: 'sess-1' });
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.at(-1)?.elapsedMs).toBeGreaterThanOrEqual(beats[0]?.elapsedMs ?? Infinity);
  });

  it('fails with ClaudeFailed and the stderr tail on a non-zero exit without a result', async () => {
    const err = await runClaude(
      nodeCli(`console.log('not json'); console.error('fatal: no credentials'); process.exit(2)`),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('ClaudeFailed');
    expect((err as ApplicationFailure).message).toContain('exit code 2');
    expect((err as ApplicationFailure).message).toContain('fatal: no credentials');
  });

  it('fails with ClaudeFailed when is_error is set even on exit code 0', async () => {
    const result = {
      type: 'result',
      subtype: 'success',
      is_error: true,
      result: 'API Error: 401 invalid x-api-key',
      num_turns: 0,
      session_id: 's',
    };
    const err = await runClaude(nodeCli(`console.log(${JSON.stringify(JSON.stringify(result))})`)).catch(
      (e: unknown) => e,
    );
    expect((err as ApplicationFailure).type).toBe('ClaudeFailed');
    expect((err as ApplicationFailure).message).toContain('401 invalid x-api-key');
  });

  it('fails non-retryably when the CLI cannot be started', async () => {
    const err = await runClaude(nodeCli('', { cliPath: join(dir, 'no-such-claude') })).catch((e: unknown) => e);
    expect((err as ApplicationFailure).type).toBe('ClaudeFailed');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
  });
});
