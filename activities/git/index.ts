import { createHash } from 'node:crypto';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { Config } from '../../infra/config/load-config';
import { cloneRepository, type ClonedRepository, type CloneProgress } from './clone-repository';

export type { ClonedRepository } from './clone-repository';

const HEARTBEAT_INTERVAL_MS = 2_000;

/** The Git activities, bound to the configured repository and this worker's work directory. */
export function createGitActivities(config: Config['git'], workRoot: string) {
  return {
    /** Clones (or refreshes from the cache) the configured branch into a directory of its own for this run. */
    async cloneRepository(input: { runKey: string }): Promise<ClonedRepository> {
      if (!config.repoUrl) {
        throw ApplicationFailure.create({ type: 'GitConfigError', message: 'GIT_REPO_URL is not set', nonRetryable: true });
      }
      const heartbeat = activityHeartbeat();
      return cloneRepository({
        repoUrl: config.repoUrl,
        branch: config.branch,
        ...(config.token ? { token: config.token } : {}),
        cacheDir: path.resolve(config.cacheDir),
        workDir: path.join(path.resolve(workRoot), workDirName(input.runKey)),
        ...(heartbeat ? { onProgress: throttle(heartbeat, HEARTBEAT_INTERVAL_MS) } : {}),
      });
    },
  };
}

/** A file-system-safe, collision-free directory name for a run key (which may hold `/`, `:` or `..`). */
export function workDirName(runKey: string): string {
  const readable = runKey.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
  return `${readable}-${createHash('sha256').update(runKey).digest('hex').slice(0, 10)}`;
}

/** The heartbeat of the activity we run in, or undefined when called outside a worker. */
function activityHeartbeat(): ((p: CloneProgress) => void) | undefined {
  try {
    const ctx = Context.current();
    return (p) => ctx.heartbeat(p);
  } catch {
    return undefined;
  }
}

/** Passes on at most one call per `intervalMs`; the first goes through at once. */
export function throttle<T>(fn: (value: T) => void, intervalMs: number, now: () => number = Date.now): (value: T) => void {
  let last = -Infinity;
  return (value) => {
    const t = now();
    if (t - last < intervalMs) return;
    last = t;
    fn(value);
  };
}
