import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { remoteAuth, type RemoteAuth } from './remote-auth';
import http from 'isomorphic-git/http/node';
import { ApplicationFailure } from '@temporalio/common';
import { applyUnifiedDiff } from './apply-patch';
import {
  atomicFs,
  cloneRepository,
  removeCheckout,
  storePath,
  toFailure,
  type CloneProgress,
} from './clone-repository';
import { GitFailureType } from '../../workflows/domain/failures';

export interface PushBranchOptions {
  repoUrl: string;
  token?: string;
  /** The branch the new one starts from. */
  baseBranch: string;
  /** The branch to create; never overwritten. */
  branch: string;
  diff: string;
  commitMessage: string;
  /** Author and committer of the commit. */
  author: { name: string; email: string };
  /** Holds the repository's shared object store (see `cloneRepository`). */
  cacheDir: string;
  /** Where the working tree goes (its git directory next to it); replaced if it exists. */
  workDir: string;
  onProgress?: (p: CloneProgress) => void;
}

export interface PushedBranch {
  branch: string;
  /** The branch's tip: the commit pushed now, or the one an earlier attempt pushed. */
  commit: string;
  /** The commit of the base branch the tip was made on (its parent). */
  baseCommit: string;
  /** True when the branch already existed and nothing was pushed. */
  alreadyPushed: boolean;
}

/**
 * Creates `branch` on the server from the tip of `baseBranch` plus one commit
 * holding `diff`. Idempotent: when the branch already exists on the server
 * (an earlier attempt pushed it, then crashed before recording that), it is
 * returned as it is, without a second push.
 */
export function pushFixBranch(opts: PushBranchOptions): Promise<PushedBranch> {
  return pushPatchBranch(opts, { reverse: false });
}

/** `pushFixBranch`, or with `reverse` the same with the inverse of the diff (for reverts). */
export async function pushPatchBranch(
  opts: PushBranchOptions,
  { reverse }: { reverse: boolean },
): Promise<PushedBranch> {
  // A new object per call: isomorphic-git writes into `headers` (listServerRefs adds Git-Protocol: version=2).
  const remote = () => remoteOptions(opts);
  const { workDir: dir, branch } = opts;
  const ref = `refs/heads/${branch}`;
  const progress = (phase: string) => opts.onProgress?.({ phase, loaded: 0 });
  try {
    progress('Looking up the branch');
    const refs = await git.listServerRefs({ http, url: opts.repoUrl, prefix: ref, ...remote() });
    const existing = refs.find((r) => r.ref === ref)?.oid;
    if (existing) {
      return { branch, commit: existing, baseCommit: await parentOf(existing, opts, remote), alreadyPushed: true };
    }

    // A shallow checkout from the shared store: the push sends only the new commit's objects.
    const base = await cloneRepository({
      repoUrl: opts.repoUrl,
      branch: opts.baseBranch,
      ...(opts.token ? { token: opts.token } : {}),
      cacheDir: opts.cacheDir,
      workDir: dir,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    const { gitdir } = base;
    const baseCommit = base.commit;
    await git.branch({ fs, dir, gitdir, ref: branch, checkout: true });

    progress(reverse ? 'Applying the reverse of the diff' : 'Applying the diff');
    const { files } = await applyUnifiedDiff(dir, opts.diff, { reverse });
    if (!(await stageAll(dir, gitdir, files))) {
      throw ApplicationFailure.create({
        type: GitFailureType.EmptyPatch,
        message: `The diff changes nothing on ${opts.baseBranch}`,
        nonRetryable: true,
      });
    }
    // The new objects go into the shared store: written atomically, like its fetches.
    const commit = await git.commit({
      fs: atomicFs,
      dir,
      gitdir,
      message: opts.commitMessage,
      author: opts.author,
      committer: opts.author,
    });

    progress('Pushing');
    const result = await git.push({
      fs,
      http,
      dir,
      gitdir,
      url: opts.repoUrl,
      remote: 'origin',
      ref: branch,
      remoteRef: ref,
      force: false,
      ...remote(),
    });
    const status = result.refs[ref];
    if (!result.ok || (status && !status.ok)) {
      throw rejected(`the server refused the push of ${branch}: ${status?.error ?? result.error ?? 'unknown reason'}`);
    }
    return { branch, commit, baseCommit, alreadyPushed: false };
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Most likely the branch appeared since the lookup (another attempt): the next attempt's lookup finds it.
    if (code === 'PushRejectedError' || code === 'GitPushError') {
      const message = (err as Error).message;
      throw rejected(opts.token ? message.split(opts.token).join('***') : message);
    }
    throw toFailure(err, {
      repoUrl: opts.repoUrl,
      branch: `${opts.baseBranch} -> ${branch}`,
      ...(opts.token ? { token: opts.token } : {}),
    });
  } finally {
    // The branch is on the server now (or not at all): the checkout is not needed again.
    await removeCheckout(dir);
  }
}

/**
 * Stages every addition, modification and deletion among `files` (what the diff touched: on a
 * large tree, a status of every file would cost seconds); returns whether anything changed.
 */
async function stageAll(dir: string, gitdir: string, files: string[]): Promise<boolean> {
  if (!files.length) return false;
  const matrix = await git.statusMatrix({ fs, dir, gitdir, filepaths: files });
  let changed = false;
  // [path, HEAD, WORKDIR (0 absent, 1 same as HEAD, 2 different), STAGE]
  for (const [filepath, , workdir] of matrix) {
    if (workdir === 1) continue;
    changed = true;
    if (workdir === 0) await git.remove({ fs, dir, gitdir, filepath });
    else await git.add({ fs: atomicFs, dir, gitdir, filepath });
  }
  return changed;
}

/**
 * The parent of an already pushed tip. The shared store usually holds it (the earlier attempt
 * committed into it); otherwise one commit is fetched (a retry path, so rare).
 */
async function parentOf(tip: string, opts: PushBranchOptions, remote: () => RemoteAuth): Promise<string> {
  const store = storePath(opts.cacheDir, opts.repoUrl);
  const local = await git.readCommit({ fs, gitdir: store, oid: tip }).catch(() => undefined);
  if (local?.commit.parent[0]) return local.commit.parent[0];
  const dir = opts.workDir;
  await fs.promises.rm(dir, { recursive: true, force: true });
  await fs.promises.mkdir(path.dirname(dir), { recursive: true });
  await git.clone({
    fs,
    http,
    dir,
    url: opts.repoUrl,
    ref: opts.branch,
    singleBranch: true,
    noTags: true,
    noCheckout: true,
    depth: 1,
    ...remote(),
  });
  const { commit } = await git.readCommit({ fs, dir, oid: tip });
  const parent = commit.parent[0];
  if (!parent)
    throw ApplicationFailure.create({
      type: GitFailureType.Other,
      message: `Branch ${opts.branch} holds a root commit`,
      nonRetryable: true,
    });
  return parent;
}

function remoteOptions(opts: PushBranchOptions): RemoteAuth {
  return remoteAuth(opts.token, opts.onProgress);
}

function rejected(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: GitFailureType.PushRejected,
    message: `Push rejected: ${message}`,
    nonRetryable: false,
  });
}
