import fs from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../infra/platform/config/load-config';
import type { FixSuggestion } from '../../workflows/domain/types';
import { workingTreeDiff } from '../git/working-tree-diff';
import { protectedChanges, type ProtectedPathMatcher } from '../git/protected-paths';
import { buildFixPrompt, type FixRequest } from './prompt';
import { runClaude } from './run-claude';
import { claudeArgs, claudeEnvironment } from './sandbox';
import { SCRATCH_DIRS, sandboxPolicy, toolchainEnvironment } from '../sandbox/sandbox-policy';
import { ClaudeFailureType } from '../../workflows/domain/failures';

export interface ProposeFixInput {
  /** A checkout of the repository at `baseCommit`, with a clean working tree. */
  dir: string;
  baseCommit: string;
  request: FixRequest;
}

/** What a fix may carry: checked here, on the diff the approver sees and the pipeline applies. */
export interface FixGuard {
  isProtected: ProtectedPathMatcher;
  /** A larger diff is not kept (history stays small) and the run refuses it. */
  maxDiffBytes: number;
}

export interface ProposeFixHooks {
  signal?: AbortSignal;
  heartbeat?: (info: { elapsedMs: number; bytes: number }) => void;
  heartbeatIntervalMs?: number;
  onSpawn?: (pid: number) => void;
  /** The parent environment the allow-list picks from; tests pass one with planted secrets. */
  parentEnv?: NodeJS.ProcessEnv;
  /** The worker's data directories (repository store, work root): unreadable from Claude's Bash. */
  serviceDirs?: string[];
  /** VERIFY_TEST_ALLOWED_DOMAINS: the only hosts Claude's Bash may reach. */
  allowedDomains?: string[];
}

/**
 * Lets Claude Code edit the checkout in `dir`, then reads its edits back as a diff against
 * HEAD. Outside a Temporal activity it runs the same way, with `hooks` in place of the
 * activity context.
 */
export async function proposeFix(
  config: Config['claude'],
  guard: FixGuard,
  input: ProposeFixInput,
  hooks: ProposeFixHooks = {},
): Promise<FixSuggestion> {
  await assertPristine(input.dir, input.baseCommit);
  const home = await mkdtemp(join(tmpdir(), 'claude-home-'));
  const scratch = `${input.dir}.sandbox`;
  // Beside the checkout, in the work root the sandbox cannot read: Bash commands never see the key.
  // Bash only with the sandbox, and only when the run asks for a regression test.
  const sandbox =
    config.sandbox && input.request.tests?.canRun
      ? sandboxPolicy({
          checkout: input.dir,
          scratch,
          allowedDomains: hooks.allowedDomains ?? [],
          serviceDirs: hooks.serviceDirs ?? [],
          pathEnv: (hooks.parentEnv ?? process.env).PATH ?? '',
        })
      : undefined;
  const keyFile = sandbox && config.anthropicApiKey ? `${input.dir}.key` : undefined;
  try {
    if (sandbox) await Promise.all(SCRATCH_DIRS.map((d) => mkdir(join(scratch, d), { recursive: true })));
    if (keyFile) await writeFile(keyFile, config.anthropicApiKey!, { mode: 0o600 });
    const run = await runClaude({
      cwd: input.dir,
      prompt: buildFixPrompt({ ...input.request, repo: { ...input.request.repo, commit: input.baseCommit } }),
      ...(config.path ? { cliPath: config.path } : {}),
      env: {
        ...claudeEnvironment(
          {
            home,
            anthropicBaseUrl: config.anthropicBaseUrl,
            ...(keyFile ? {} : { anthropicApiKey: config.anthropicApiKey }),
            model: config.model,
          },
          hooks.parentEnv,
        ),
        // Bash commands inherit these: toolchain caches in scratch, offline.
        ...(sandbox ? toolchainEnvironment(sandbox) : {}),
      },
      args: claudeArgs({
        maxTurns: config.maxTurns,
        maxBudgetUsd: config.maxBudgetUsd,
        model: config.model,
        ...(sandbox ? { sandbox } : {}),
        ...(keyFile ? { apiKeyHelper: `cat '${keyFile}'` } : {}),
      }),
      timeoutMs: config.timeoutMs,
      signal: hooks.signal,
      onHeartbeat: hooks.heartbeat,
      heartbeatIntervalMs: hooks.heartbeatIntervalMs,
      onSpawn: hooks.onSpawn,
    });
    const { diff, files } = await workingTreeDiff(input.dir);
    const bytes = Buffer.byteLength(diff);
    const oversized = bytes > guard.maxDiffBytes;
    return {
      explanation: run.result,
      diff: oversized ? '' : diff,
      filesTouched: files,
      protectedFiles: protectedChanges(diff, guard.isProtected),
      ...(oversized ? { oversized: { bytes } } : {}),
      turns: run.numTurns,
      costUsd: run.costUsd,
      sessionId: run.sessionId,
      baseCommit: input.baseCommit,
    };
  } finally {
    await rm(home, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
    if (keyFile) await rm(keyFile, { force: true });
  }
}

/**
 * The diff is read against HEAD and must apply to `baseCommit`: a checkout at another
 * commit, or one still holding edits of an earlier attempt, would give a wrong diff.
 * Retrying cannot change that, so these failures are not retryable: the caller needs a
 * fresh checkout.
 */
async function assertPristine(dir: string, baseCommit: string): Promise<void> {
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  if (head !== baseCommit) {
    throw ApplicationFailure.nonRetryable(
      `Checkout ${dir} is at ${head}, not at ${baseCommit}`,
      ClaudeFailureType.WorkingTreeMismatch,
    );
  }
  const { files } = await workingTreeDiff(dir);
  if (files.length) {
    throw ApplicationFailure.nonRetryable(
      `Checkout ${dir} has uncommitted changes (${files.slice(0, 5).join(', ')})`,
      ClaudeFailureType.WorkingTreeMismatch,
    );
  }
}
