import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../infra/platform/config/load-config';
import { GitFailureType } from '../../workflows/domain/failures';
import type { OtherRemote } from './index';

/**
 * Where a debt scan of `repository` reads from: undefined for GIT_REPO_URL's own repository (the
 * configured remote), else the DEBT_SCAN_REPOSITORIES entry of that name. The workflow names the
 * repository; only this worker's configuration says where it is, so no URL (or credential) is in a history.
 */
export function scanRemote(config: Pick<Config, 'git' | 'schedules'>, repository?: string): OtherRemote | undefined {
  if (repository === undefined) return undefined;
  const entry = config.schedules.debtScan.repositories.find((r) => r.name === repository);
  if (!entry)
    throw ApplicationFailure.create({
      type: GitFailureType.Config,
      message: `Repository "${repository}" is not in this worker's DEBT_SCAN_REPOSITORIES (nor GIT_REPO_URL's)`,
      nonRetryable: true,
    });
  if (isFixRepository(config, repository)) return undefined;
  return { repoUrl: entry.url, branch: entry.branch };
}

/** Whether fix runs work on `repository`: the pipeline fixes GIT_REPO_URL's branch, and only that. */
export function isFixRepository(config: Pick<Config, 'git' | 'schedules'>, repository: string): boolean {
  const entry = config.schedules.debtScan.repositories.find((r) => r.name === repository);
  return Boolean(entry && config.git.repoUrl && entry.url === config.git.repoUrl && entry.branch === config.git.branch);
}
