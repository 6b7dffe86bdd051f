import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { remoteAuth, withoutCredentials } from '../../activities/git/remote-auth';
import type { Config } from '../platform/config/load-config';
import { dependsOn, fail, messageOf, ok, skip, warn, type CheckContext, type DoctorCheck, type Outcome } from './check';

const REACH_HINT = 'check GIT_REPO_URL (the https clone URL) and the network path to the git host';

/** The status of an isomorphic-git HttpError (by shape: a second copy of the library would have another class). */
function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; data?: { statusCode?: unknown } };
  return e.code === 'HttpError' && typeof e.data?.statusCode === 'number' ? e.data.statusCode : undefined;
}

/** The upload-pack advertisement (protocol v1 lists the refs): what a clone or fetch reads first. */
const advertisement = (ctx: CheckContext) =>
  ctx.shared('git.refs', () =>
    git.getRemoteInfo2({ http, url: ctx.config.git.repoUrl!, protocolVersion: 1, ...remoteAuth(ctx.config.git.token) }),
  );

function readFailure(url: string, err: unknown): Outcome {
  const status = httpStatus(err);
  if (status === 401 || status === 403)
    return fail(
      `${url} refused the credentials (HTTP ${status})`,
      'set GIT_TOKEN to a token that can read the repository (GitHub: contents: read)',
    );
  if (status === 404)
    return fail(
      `no repository at ${url} (HTTP 404; a private repository looks like this without a token)`,
      'set GIT_REPO_URL to the https clone URL, and GIT_TOKEN for a private repository',
    );
  return fail(`${url}: ${status ? `HTTP ${status}` : messageOf(err)}`, REACH_HINT);
}

export function gitChecks(): DoctorCheck[] {
  const needsRepo = (config: Config) =>
    config.git.repoUrl
      ? undefined
      : fail('GIT_REPO_URL is not set', 'set GIT_REPO_URL to the https clone URL of the repository to fix');
  return [
    {
      id: 'git.remote',
      group: 'git',
      fast: false,
      timeoutHint: REACH_HINT,
      precondition: needsRepo,
      async run(ctx) {
        const { repoUrl, branch } = ctx.config.git;
        const url = withoutCredentials(repoUrl!);
        try {
          const info = await advertisement(ctx);
          const head = info.refs?.find((r) => r.ref === `refs/heads/${branch}`);
          if (!head)
            return fail(
              `${url} has no branch ${branch}`,
              `set GIT_BRANCH to the branch that is deployed (default main)`,
            );
          return ok(`${url} readable, ${branch} at ${head.oid.slice(0, 12)}`);
        } catch (err) {
          return readFailure(url, err);
        }
      },
    },
    {
      id: 'git.push',
      group: 'git',
      fast: false,
      timeoutHint: REACH_HINT,
      precondition: (config) => (config.git.repoUrl ? undefined : skip('GIT_REPO_URL is not set')),
      async run(ctx) {
        const { repoUrl, token } = ctx.config.git;
        const url = withoutCredentials(repoUrl!);
        if (!(await advertisement(ctx).catch(() => undefined))) return dependsOn('git.remote');
        const direct = ctx.config.fix.applyMode === 'direct';
        try {
          // The receive-pack advertisement: a host answers it only to those who may push.
          await git.getRemoteInfo2({ http, url: repoUrl!, forPush: true, protocolVersion: 1, ...remoteAuth(token) });
          return ok(`push allowed to ${url}`);
        } catch (err) {
          const status = httpStatus(err);
          if (status !== 401 && status !== 403) return fail(`push to ${url}: ${messageOf(err)}`, REACH_HINT);
          const detail = `${url} refuses pushes with this token (HTTP ${status})`;
          const hint = 'give GIT_TOKEN write access to the repository (GitHub: contents: write)';
          // Cursor opens the fix's pull request itself; the pipeline still pushes revert branches.
          return direct
            ? fail(`${detail}: FIX_APPLY_MODE=direct pushes the fix branch`, hint)
            : warn(`${detail}: revert branches could not be pushed`, hint);
        }
      },
    },
  ];
}
