import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { remoteAuth, withoutCredentials, type RemoteAuth } from './remote-auth';
import http from 'isomorphic-git/http/node';
import { ApplicationFailure } from '@temporalio/common';
import { GitFailureType } from '../../workflows/domain/failures';
import { checkoutTree } from './checkout-tree';

export interface CloneProgress {
  phase: string;
  loaded: number;
  total?: number;
}

export interface FetchOptions {
  repoUrl: string;
  branch: string;
  token?: string;
  /** Holds one object store per repository, shared by every run. */
  cacheDir: string;
  onProgress?: (p: CloneProgress) => void;
}

export interface CloneOptions extends FetchOptions {
  /** Where this run's working tree goes; replaced if it exists. Its git directory is `${workDir}.git`. */
  workDir: string;
}

export interface FetchedBranch {
  commit: string;
  /** False when the store had to be cloned afresh (first use, or it was missing or broken). */
  fromCache: boolean;
}

export interface ClonedRepository extends FetchedBranch {
  dir: string;
  /** This run's git directory, outside the working tree (the tree's `.git` file points to it). */
  gitdir: string;
}

/**
 * The latest commit of `branch`, fetched into the repository's shared object store: a shallow
 * clone the first time, then fetches of only what changed since (next to nothing when the branch
 * has not moved). No working tree is written: this is what resolving the commit costs.
 */
export async function fetchBranch(opts: FetchOptions): Promise<FetchedBranch> {
  try {
    const { commit, fromCache } = await fetchIntoStore(opts);
    return { commit, fromCache };
  } catch (err) {
    throw toFailure(err, opts);
  }
}

/**
 * A fresh working tree of `branch` at its latest commit, checked out from the shared store
 * into a directory of its own, with a git directory of its own next to it whose `objects` is
 * the store's: nothing is copied, runs never share an index or refs, and the per-repository
 * lock covers the fetch only. A store that cannot be read is replaced by a fresh clone.
 */
export async function cloneRepository(opts: CloneOptions): Promise<ClonedRepository> {
  const gitdir = `${opts.workDir}.git`;
  try {
    let fetched = await fetchIntoStore(opts);
    try {
      await checkoutFromStore(fetched, opts, gitdir);
    } catch (err) {
      if (isRemoteError(err)) throw err;
      // The store is damaged (a truncated pack, a lost object): clone it afresh, once.
      fetched = await fetchIntoStore(opts, { fresh: true });
      await checkoutFromStore(fetched, opts, gitdir);
    }
    return { dir: opts.workDir, gitdir, commit: fetched.commit, fromCache: fetched.fromCache };
  } catch (err) {
    throw toFailure(err, opts);
  }
}

/** Deletes a working tree made by `cloneRepository`, and its git directory. */
export async function removeCheckout(dir: string): Promise<void> {
  await Promise.all([
    fs.promises.rm(dir, { recursive: true, force: true }),
    fs.promises.rm(`${dir}.git`, { recursive: true, force: true }),
  ]);
}

/** The store of one repository: a bare repository under `cacheDir`, named after its URL. */
export function storePath(cacheDir: string, repoUrl: string): string {
  return path.join(cacheDir, `${createHash('sha256').update(repoUrl).digest('hex').slice(0, 16)}.git`);
}

interface Stored {
  store: string;
  commit: string;
  fromCache: boolean;
}

interface Remote extends RemoteAuth {
  url: string;
}

async function fetchIntoStore(opts: FetchOptions, { fresh = false } = {}): Promise<Stored> {
  const store = storePath(opts.cacheDir, opts.repoUrl);
  const remote = (): Remote => ({ url: opts.repoUrl, ...remoteAuth(opts.token, opts.onProgress) });
  return withLock(store, async () => {
    opts.onProgress?.({ phase: 'Fetching', loaded: 0 });
    if (!fresh && (await isUsableStore(store)) && (await packCount(store)) <= MAX_PACKS) {
      try {
        return { store, commit: await refreshStore(store, opts.branch, remote()), fromCache: true };
      } catch (err) {
        if (isRemoteError(err)) throw err;
        // A fetch that fails on our side (a broken pack or ref): start again from nothing.
      }
    }
    return { store, commit: await fillStore(store, opts, remote()), fromCache: false };
  });
}

/**
 * Clones the branch (depth 1) into a temporary directory and renames it into place, so a crash
 * never leaves half a store. A broken store is moved aside first and deleted after: runs still
 * checking out of it fail and retry rather than read a half-replaced one.
 */
async function fillStore(store: string, opts: FetchOptions, remote: Remote): Promise<string> {
  await fs.promises.mkdir(path.dirname(store), { recursive: true });
  // The cache of earlier versions: a non-bare clone at the same name without `.git`.
  await fs.promises.rm(store.replace(/\.git$/, ''), { recursive: true, force: true });
  const tmp = `${store}.tmp-${randomUUID()}`;
  const old = `${store}.old-${randomUUID()}`;
  try {
    await git.clone({
      fs: atomicFs,
      http,
      dir: tmp,
      gitdir: tmp,
      ref: opts.branch,
      singleBranch: true,
      depth: 1,
      noTags: true,
      noCheckout: true,
      ...remote,
    });
    const commit = await git.resolveRef({ fs, gitdir: tmp, ref: `refs/heads/${opts.branch}` });
    await fs.promises.rename(store, old).catch(() => undefined);
    await fs.promises.rename(tmp, store);
    return commit;
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    await fs.promises.rm(old, { recursive: true, force: true });
  }
}

/**
 * Fetches the branch's tip into the store. A branch the store already holds is fetched without
 * a depth: isomorphic-git does not ask for thin packs, and without them a depth-1 fetch makes git
 * resend the whole tree of the new commit; an incremental fetch gets only the new objects.
 */
async function refreshStore(store: string, branch: string, remote: Remote): Promise<string> {
  const ref = `refs/heads/${branch}`;
  const known = await git.resolveRef({ fs, gitdir: store, ref }).then(
    () => true,
    () => false,
  );
  const { fetchHead } = await git.fetch({
    fs: atomicFs,
    http,
    gitdir: store,
    ref: branch,
    singleBranch: true,
    tags: false,
    ...(known ? {} : { depth: 1 }),
    ...remote,
  });
  if (!fetchHead) throw new git.Errors.NotFoundError(branch);
  await git.writeRef({ fs: atomicFs, gitdir: store, ref, value: fetchHead, force: true });
  return fetchHead;
}

/**
 * Every incremental fetch adds a pack, and every checkout reads every pack's index: past this
 * many, the store is cloned afresh (one depth-1 pack) instead of fetched into.
 */
const MAX_PACKS = 50;

async function packCount(store: string): Promise<number> {
  const names = await fs.promises.readdir(path.join(store, 'objects', 'pack')).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.idx')).length;
}

async function isUsableStore(store: string): Promise<boolean> {
  try {
    const head = await git.resolveRef({ fs, gitdir: store, ref: 'HEAD' });
    await git.readCommit({ fs, gitdir: store, oid: head });
    return true;
  } catch {
    return false;
  }
}

/**
 * The run's git directory shares the store's objects through a symlink and has everything else
 * of its own: HEAD on `branch` at the fetched commit, the shallow boundary, an index. The tree
 * gets a `.git` file naming it (isomorphic-git and the git CLI both follow it), so nothing in
 * the tree can reach the store through a path.
 */
async function checkoutFromStore(stored: Stored, opts: CloneOptions, gitdir: string): Promise<void> {
  const { workDir: dir, branch } = opts;
  opts.onProgress?.({ phase: 'Checking out', loaded: 0 });
  await removeCheckout(dir);
  await fs.promises.mkdir(path.join(gitdir, 'refs', 'heads'), { recursive: true });
  await fs.promises.symlink(
    await fs.promises.realpath(path.join(stored.store, 'objects')),
    path.join(gitdir, 'objects'),
  );
  const shallow = await fs.promises.readFile(path.join(stored.store, 'shallow'), 'utf8').catch(() => '');
  if (shallow) await fs.promises.writeFile(path.join(gitdir, 'shallow'), shallow);
  await fs.promises.writeFile(
    path.join(gitdir, 'config'),
    `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote "origin"]\n\turl = ${withoutCredentials(opts.repoUrl)}\n\tfetch = +refs/heads/${branch}:refs/remotes/origin/${branch}\n`,
  );
  await git.writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: stored.commit, force: true });
  // What the server had when fetched: a push sends only what is not in it (isomorphic-git reads origin/HEAD).
  await git.writeRef({ fs, gitdir, ref: `refs/remotes/origin/${branch}`, value: stored.commit, force: true });
  await git.writeRef({
    fs,
    gitdir,
    ref: 'refs/remotes/origin/HEAD',
    value: `refs/remotes/origin/${branch}`,
    symbolic: true,
    force: true,
  });
  await git.writeRef({ fs, gitdir, ref: 'HEAD', value: `refs/heads/${branch}`, symbolic: true, force: true });
  await checkoutTree({ gitdir, dir, commit: stored.commit });
  await fs.promises.writeFile(path.join(dir, '.git'), `gitdir: ${gitdir}\n`);
}

/**
 * The file system isomorphic-git writes the shared store with: every file is written to a
 * temporary name and renamed into place, so a run reading the store while another fetches (or
 * commits into it) never sees half a pack, index, ref or object.
 */
export const atomicFs = {
  promises: {
    ...fs.promises,
    async writeFile(file: string, data: string | Uint8Array, options?: fs.WriteFileOptions): Promise<void> {
      const tmp = `${file}.${randomUUID()}.tmp`;
      try {
        await fs.promises.writeFile(tmp, data, options);
        await fs.promises.rename(tmp, file);
      } catch (err) {
        await fs.promises.rm(tmp, { force: true });
        throw err;
      }
    },
  },
};

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

/**
 * Errors of the server or the network: a fresh clone would fail the same way. Anything else
 * (a missing object, a pack that does not parse, an unknown branch) is worth one fresh clone,
 * which for an unknown branch fails at once, before anything is downloaded.
 */
function isRemoteError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return (
    err instanceof ApplicationFailure ||
    code === 'HttpError' ||
    code === 'SmartHttpError' ||
    code === 'UnknownTransportError' ||
    code === 'UrlParseError' ||
    (code !== undefined && NETWORK_CODES.has(code))
  );
}

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
