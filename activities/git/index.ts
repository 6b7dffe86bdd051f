import { createHash } from 'node:crypto';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../infra/platform/config/load-config';
import {
  cloneRepository,
  fetchBranch,
  type ClonedRepository,
  type CloneProgress,
  type FetchedBranch,
} from './clone-repository';
import { pushFixBranch, type PushBranchOptions, type PushedBranch } from './push-fix';
import { pushRevertBranch } from './revert-fix';
import { currentActivity } from '../activity-context';
import { GitFailureType } from '../../workflows/domain/failures';
import { protectedChanges, protectedPathMatcher, type ProtectedPathMatcher } from './protected-paths';

export type { ClonedRepository, FetchedBranch } from './clone-repository';
export { removeCheckout } from './clone-repository';
export type { PushedBranch } from './push-fix';
export { applyUnifiedDiff } from './apply-patch';

/** Who the pipeline's fix and revert commits are by. */
export const PIPELINE_AUTHOR = { name: 'Bugfix Pipeline', email: 'bugfix-pipeline@users.noreply.github.com' };

/** What the push activities take: the branch to create and the diff its one commit holds. */
export interface PushBranchInput {
  runKey: string;
  branch: string;
  diff: string;
  commitMessage: string;
  /** The decision allowed protected files (a protected-path approver, PROTECTED_PATHS_POLICY=separate-approval). */
  allowProtected?: boolean;
}

const HEARTBEAT_INTERVAL_MS = 2_000;

/**
 * Another repository than GIT_REPO_URL, read only (the debt scans of DEBT_SCAN_REPOSITORIES): fetched
 * and checked out with the same token and store; nothing is ever pushed to it.
 */
export interface OtherRemote {
  repoUrl: string;
  branch: string;
}

/** The Git activities, bound to the configured repository and this worker's work directory. */
export function createGitActivities(
  config: Config['git'],
  workRoot: string,
  isProtected: ProtectedPathMatcher = protectedPathMatcher(),
) {
  /** The last gate before the repository: whatever the workflow asks, protected files need their approval. */
  const guard = (input: PushBranchInput) => {
    const found = input.allowProtected ? [] : protectedChanges(input.diff, isProtected);
    if (found.length)
      throw ApplicationFailure.create({
        type: GitFailureType.ProtectedPaths,
        message: `Refusing to push ${input.branch}: the diff changes protected files (${found.map((f) => `${f.path}: ${f.reason}`).join(', ')}) without a protected-path approval`,
        nonRetryable: true,
      });
  };
  const repoUrl = () => {
    if (!config.repoUrl) {
      throw ApplicationFailure.create({
        type: GitFailureType.Config,
        message: 'GIT_REPO_URL is not set',
        nonRetryable: true,
      });
    }
    return config.repoUrl;
  };
  const remote = (other?: OtherRemote) => {
    const heartbeat = activityHeartbeat();
    return {
      repoUrl: other?.repoUrl ?? repoUrl(),
      branch: other?.branch ?? config.branch,
      ...(config.token ? { token: config.token } : {}),
      cacheDir: path.resolve(config.cacheDir),
      ...(heartbeat ? { onProgress: throttle(heartbeat, HEARTBEAT_INTERVAL_MS) } : {}),
    };
  };
  return {
    /** The configured branch's latest commit (or `other`'s), fetched into the shared store: no working tree. */
    async fetchBranch(other?: OtherRemote): Promise<FetchedBranch> {
      return fetchBranch(remote(other));
    },

    /** A working tree of the configured branch's latest commit (or `other`'s) in a directory of its own for this run. */
    async cloneRepository(input: { runKey: string }, other?: OtherRemote): Promise<ClonedRepository> {
      return cloneRepository({
        ...remote(other),
        workDir: path.join(path.resolve(workRoot), workDirName(input.runKey)),
      });
    },

    /** Pushes `branch` = the configured branch plus one commit with the fix's diff; returns the existing branch if an earlier attempt pushed it. */
    async pushFixBranch(input: PushBranchInput): Promise<PushedBranch> {
      guard(input);
      return pushFixBranch(pushOptions(config, workRoot, input, 'fix'));
    },

    /** Pushes `branch` = the configured branch plus one commit undoing the fix's diff; idempotent like pushFixBranch. */
    async pushRevertBranch(input: PushBranchInput): Promise<PushedBranch> {
      guard(input);
      return pushRevertBranch(pushOptions(config, workRoot, input, 'revert'));
    },
  };
}

/** Each push gets a working tree of its own, apart from the run's fix working tree, from the shared store. */
function pushOptions(
  config: Config['git'],
  workRoot: string,
  input: PushBranchInput,
  suffix: string,
): PushBranchOptions {
  if (!config.repoUrl) {
    throw ApplicationFailure.create({
      type: GitFailureType.Config,
      message: 'GIT_REPO_URL is not set',
      nonRetryable: true,
    });
  }
  const heartbeat = activityHeartbeat();
  return {
    repoUrl: config.repoUrl,
    ...(config.token ? { token: config.token } : {}),
    cacheDir: path.resolve(config.cacheDir),
    baseBranch: config.branch,
    branch: input.branch,
    diff: input.diff,
    commitMessage: input.commitMessage,
    author: PIPELINE_AUTHOR,
    workDir: path.join(path.resolve(workRoot), `${workDirName(input.runKey)}-${suffix}`),
    ...(heartbeat ? { onProgress: throttle(heartbeat, HEARTBEAT_INTERVAL_MS) } : {}),
  };
}

/** A file-system-safe, collision-free directory name for a run key (which may hold `/`, `:` or `..`). */
export function workDirName(runKey: string): string {
  const readable = runKey.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
  return `${readable}-${createHash('sha256').update(runKey).digest('hex').slice(0, 10)}`;
}

/** Passes on at most one call per `intervalMs`; the first goes through at once. */
export function throttle<T>(
  fn: (value: T) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (value: T) => void {
  let last = -Infinity;
  return (value) => {
    const t = now();
    if (t - last < intervalMs) return;
    last = t;
    fn(value);
  };
}

/** The heartbeat of the activity we run in, or undefined when called outside a worker. */
function activityHeartbeat(): ((p: CloneProgress) => void) | undefined {
  const ctx = currentActivity();
  return ctx ? (p) => ctx.heartbeat(p) : undefined;
}
