import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { remoteAuth, type RemoteAuth } from './remote-auth';
import http from 'isomorphic-git/http/node';
import { ApplicationFailure } from '@temporalio/common';
import { GitFailureType } from '../../workflows/domain/failures';

export interface CloneProgress {
  phase: string;
  loaded: number;
  total?: number;
}

export interface CloneOptions {
  repoUrl: string;
  branch: string;
  token?: string;
  /** Holds one shallow clone per repository, reused across runs. */
  cacheDir: string;
  /** Where this run's working tree goes; replaced if it exists. */
  workDir: string;
  onProgress?: (p: CloneProgress) => void;
}

export interface ClonedRepository {
  dir: string;
  commit: string;
  fromCache: boolean;
}

/**
 * A fresh working tree of `branch` at its latest commit. The network part
 * happens in a per-repository cache: a shallow clone the first time, then
 * fetches of only what changed since (next to nothing when the branch has not
 * moved); each run gets its own copy of that cache.
 */
export async function cloneRepository(opts: CloneOptions): Promise<ClonedRepository> {
  const cachePath = path.join(opts.cacheDir, createHash('sha256').update(opts.repoUrl).digest('hex').slice(0, 16));
  const remote = remoteOptions(opts);
  try {
    const { commit, fromCache } = await withLock(cachePath, async () => {
      const cached = await isUsableRepo(cachePath);
      const commit = cached
        ? await refreshCache(cachePath, opts.branch, remote)
        : await fillCache(cachePath, opts.branch, remote);
      // Copy while holding the lock so a concurrent fetch cannot change the cache mid-copy.
      opts.onProgress?.({ phase: 'Copying working tree', loaded: 0 });
      await fs.promises.rm(opts.workDir, { recursive: true, force: true });
      await fs.promises.mkdir(path.dirname(opts.workDir), { recursive: true });
      // verbatimSymlinks: keep the repository's relative links as they are.
      await fs.promises.cp(cachePath, opts.workDir, { recursive: true, verbatimSymlinks: true });
      return { commit, fromCache: cached };
    });
    opts.onProgress?.({ phase: 'Checking out', loaded: 0 });
    await git.checkout({ fs, dir: opts.workDir, ref: opts.branch, force: true });
    return { dir: opts.workDir, commit, fromCache };
  } catch (err) {
    throw toFailure(err, opts);
  }
}

interface Remote extends RemoteAuth {
  url: string;
}

function remoteOptions(opts: CloneOptions): Remote {
  return { url: opts.repoUrl, ...remoteAuth(opts.token, opts.onProgress) };
}

/** Clones into a temporary directory and renames it into place, so a crash never leaves half a cache. */
async function fillCache(cachePath: string, branch: string, remote: Remote): Promise<string> {
  await fs.promises.mkdir(path.dirname(cachePath), { recursive: true });
  await fs.promises.rm(cachePath, { recursive: true, force: true });
  const tmp = `${cachePath}.tmp-${randomUUID()}`;
  try {
    await git.clone({ fs, http, dir: tmp, ref: branch, singleBranch: true, depth: 1, noTags: true, ...remote });
    const commit = await git.resolveRef({ fs, dir: tmp, ref: 'HEAD' });
    await fs.promises.rename(tmp, cachePath);
    return commit;
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Fetches the branch's tip into the cache and moves the cache's working tree to it.
 * A branch the cache already holds is fetched without a depth: isomorphic-git does not
 * ask for thin packs, and without them a depth-1 fetch makes git resend the whole tree
 * of the new commit; an incremental fetch gets only the objects of the new commits.
 */
async function refreshCache(cachePath: string, branch: string, remote: Remote): Promise<string> {
  const known = await git.resolveRef({ fs, dir: cachePath, ref: `refs/heads/${branch}` }).then(
    () => true,
    () => false,
  );
  const { fetchHead } = await git.fetch({
    fs,
    http,
    dir: cachePath,
    ref: branch,
    singleBranch: true,
    tags: false,
    ...(known ? {} : { depth: 1 }),
    ...remote,
  });
  if (!fetchHead) throw new git.Errors.NotFoundError(branch);
  await git.writeRef({ fs, dir: cachePath, ref: `refs/heads/${branch}`, value: fetchHead, force: true });
  await git.checkout({ fs, dir: cachePath, ref: branch, force: true });
  return fetchHead;
}

async function isUsableRepo(dir: string): Promise<boolean> {
  try {
    await git.resolveRef({ fs, dir, ref: 'HEAD' });
    return true;
  } catch {
    return false;
  }
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call for the same key has settled (in this process). */
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  locks.set(key, run);
  try {
    return await run;
  } finally {
    if (locks.get(key) === run) locks.delete(key);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** Maps a clone or fetch error to the failure type a retry policy can name. Never leaks the token. */
export function toFailure(err: unknown, opts: Pick<CloneOptions, 'repoUrl' | 'branch' | 'token'>): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = err as { code?: string; message?: string; data?: { statusCode?: number } };
  const redact = (s: string) => (opts.token ? s.split(opts.token).join('***') : s);
  const where = `${redact(opts.repoUrl.replace(/\/\/[^/@]*@/, '//'))} (branch ${opts.branch})`;
  const fail = (type: string, message: string, nonRetryable: boolean) =>
    ApplicationFailure.create({ type, message: redact(message), nonRetryable });

  if (e.code === 'HttpError') {
    const status = e.data?.statusCode ?? 0;
    if (status === 401 || status === 403)
      return fail(GitFailureType.Auth, `Git server refused the credentials for ${where}: HTTP ${status}`, true);
    if (status === 404) return fail(GitFailureType.NotFound, `Repository not found: ${where}`, true);
    return fail(
      GitFailureType.Server,
      `Git server error for ${where}: HTTP ${status}`,
      status >= 400 && status < 500 && status !== 408 && status !== 429,
    );
  }
  if (e.code === 'UnknownTransportError' || e.code === 'UrlParseError')
    return fail(GitFailureType.Config, `Cannot fetch from ${where}: ${e.message ?? ''}`, true);
  if (e.code === 'NotFoundError')
    return fail(GitFailureType.NotFound, `Branch or commit not found in ${where}: ${e.message ?? ''}`, true);
  if (e.code && NETWORK_CODES.has(e.code))
    return fail(GitFailureType.Network, `Network error reaching ${where}: ${e.code}`, false);
  return fail(GitFailureType.Other, `Clone of ${where} failed: ${e.message ?? String(err)}`, false);
}
