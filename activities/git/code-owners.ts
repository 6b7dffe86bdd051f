import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import git from 'isomorphic-git';
import type { Config } from '../../infra/platform/config/load-config';
import { GitFailureType } from '../../workflows/domain/failures';
import { fetchBranch, storePath } from './clone-repository';
import { CODEOWNERS_MAX_BYTES, parseCodeOwners, ruleFor } from './codeowners-rules';

/** Where GitHub looks for CODEOWNERS, in its order; the first found is used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];
/** Files listed to map stack paths onto the repository; past it the rest are not considered. */
const MAX_TREE_FILES = 500_000;

export interface CodeOwnersInput {
  /** The deployed commit, in the shared store. */
  commit: string;
  /** Paths as the stack trace names them (stackFiles): absolute deploy paths are mapped by suffix. */
  files: string[];
}

export interface CodeOwnersResult {
  /** As CODEOWNERS writes them (`@org/team`, `@user`, e-mails), once each, in the order of the files. */
  owners: string[];
  /** Those owners' Slack ids from CODEOWNERS_SLACK; owners without one are left out. */
  slack: string[];
  /** Which CODEOWNERS was read; absent when the commit has none. */
  file?: string;
}

/** CODEOWNERS of `commit` in the store `gitdir`, for `files`. */
export async function codeOwnersAt(
  gitdir: string,
  input: CodeOwnersInput,
  codeownersSlack: Record<string, string>,
): Promise<CodeOwnersResult> {
  const cache = {};
  const found = await readCodeOwnersFile(gitdir, input.commit, cache);
  if (!found) return { owners: [], slack: [] };
  const rules = parseCodeOwners(found.text);
  const index = repositoryIndex(await listFiles(gitdir, input.commit, cache));
  const owners: string[] = [];
  for (const file of input.files) {
    const repoPath = repositoryPathOf(file, index);
    for (const owner of (repoPath && ruleFor(rules, repoPath)?.owners) || []) {
      if (!owners.includes(owner)) owners.push(owner);
    }
  }
  const slack = [
    ...new Set(owners.map((o) => codeownersSlack[o.toLowerCase()]).filter((id): id is string => Boolean(id))),
  ];
  return { owners, slack, file: found.file };
}

/** The first CODEOWNERS GitHub would use; one over GitHub's 3 MB limit is ignored, as GitHub does. */
async function readCodeOwnersFile(
  gitdir: string,
  commit: string,
  cache: object,
): Promise<{ file: string; text: string } | undefined> {
  for (const file of CODEOWNERS_LOCATIONS) {
    let blob: Uint8Array;
    try {
      ({ blob } = await git.readBlob({ fs, gitdir, oid: commit, filepath: file, cache }));
    } catch (err) {
      if (err instanceof git.Errors.NotFoundError && !(await hasCommit(gitdir, commit, cache))) throw err;
      if (err instanceof git.Errors.NotFoundError || err instanceof git.Errors.ObjectTypeError) continue;
      throw err;
    }
    if (blob.length > CODEOWNERS_MAX_BYTES) return undefined;
    return { file, text: Buffer.from(blob).toString('utf8') };
  }
  return undefined;
}

async function hasCommit(gitdir: string, commit: string, cache: object): Promise<boolean> {
  return git.readCommit({ fs, gitdir, oid: commit, cache }).then(
    () => true,
    () => false,
  );
}

/** Every file path of the commit's tree. */
async function listFiles(gitdir: string, commit: string, cache: object): Promise<string[]> {
  const files: string[] = [];
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, gitdir, oid, cache });
    for (const entry of tree) {
      if (files.length >= MAX_TREE_FILES) return;
      const p = prefix ? `${prefix}/${entry.path}` : entry.path;
      if (entry.type === 'tree') await walk(entry.oid, p);
      else if (entry.type === 'blob') files.push(p);
    }
  };
  await walk(commit, '');
  return files;
}

export interface RepositoryIndex {
  files: ReadonlySet<string>;
  /** Paths by file name, for stack paths that are a tail of a repository path (JVM packages). */
  byName: ReadonlyMap<string, string[]>;
}

export function repositoryIndex(files: readonly string[]): RepositoryIndex {
  const byName = new Map<string, string[]>();
  for (const f of files) {
    const name = f.slice(f.lastIndexOf('/') + 1);
    const list = byName.get(name);
    if (list) list.push(f);
    else byName.set(name, [f]);
  }
  return { files: new Set(files), byName };
}

/**
 * The repository path a stack path names: itself; else its longest tail that is a repository
 * path (`/app/src/orders.js` → `src/orders.js`); else the one repository path ending with it
 * (`com/acme/Order.java` → `src/main/java/com/acme/Order.java`; several: none, rather than guess).
 */
export function repositoryPathOf(stackPath: string, index: RepositoryIndex): string | undefined {
  const normalized = stackPath
    .replace(/^file:\/\//, '')
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:\//, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(?:\.\/|\/)+/, '');
  const parts = normalized.split('/').filter((p) => p && p !== '.');
  if (!parts.length || parts.includes('..')) return undefined;
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join('/');
    if (index.files.has(tail)) return tail;
  }
  const suffix = `/${parts.join('/')}`;
  const candidates = (index.byName.get(parts[parts.length - 1]!) ?? []).filter((f) => f.endsWith(suffix));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * The `codeOwners` activity, beside the other git activities: reads the shared store (no working
 * tree). A commit the store does not hold yet (a store cloned afresh since) is fetched once.
 */
export function createCodeOwnersActivities(config: Config['git'], codeownersSlack: Record<string, string>) {
  return {
    async codeOwners(input: CodeOwnersInput): Promise<CodeOwnersResult> {
      if (!config.repoUrl) {
        throw ApplicationFailure.create({
          type: GitFailureType.Config,
          message: 'GIT_REPO_URL is not set',
          nonRetryable: true,
        });
      }
      const cacheDir = path.resolve(config.cacheDir);
      const gitdir = storePath(cacheDir, config.repoUrl);
      const read = () => codeOwnersAt(gitdir, input, codeownersSlack);
      try {
        return await read();
      } catch (err) {
        if (!(err instanceof git.Errors.NotFoundError)) throw err;
      }
      await fetchBranch({
        repoUrl: config.repoUrl,
        branch: config.branch,
        cacheDir,
        ...(config.token ? { token: config.token } : {}),
      });
      try {
        return await read();
      } catch (err) {
        if (!(err instanceof git.Errors.NotFoundError)) throw err;
        throw ApplicationFailure.create({
          type: GitFailureType.NotFound,
          message: `Commit ${input.commit} is not in the repository's store, even after a fetch of ${config.branch}`,
          nonRetryable: true,
        });
      }
    },
  };
}
