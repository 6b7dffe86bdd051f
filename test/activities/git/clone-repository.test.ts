import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, realpath, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneRepository, fetchBranch, storePath, type CloneOptions } from '../../../activities/git/clone-repository';
import { workingTreeDiff } from '../../../activities/git/working-tree-diff';
import { startGitServer, type GitServer } from '../../fakes/git-server';
import { failureOf } from '../../support/failure-of';

/** Deterministic, incompressible content so pack sizes mean something. */
function noise(seed: number, bytes: number): string {
  let x = seed;
  let out = '';
  while (out.length < bytes) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += x.toString(36);
    if (out.length % 60 < 8) out += '\n';
  }
  return `${out}\n`;
}

const exec = promisify(execFile);

const FILES = {
  'README.md': '# app\n',
  'src/index.ts': 'export const answer = 42;\n',
  'data/a.txt': noise(1, 40_000),
  'data/b.txt': noise(2, 40_000),
};

let server: GitServer;
let tmp: string;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'clone-test-'));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
const dirs = () => {
  n += 1;
  return { cacheDir: path.join(tmp, `cache-${n}`), workDir: path.join(tmp, `work-${n}`) };
};

describe('cloneRepository', () => {
  it('clones the branch into the work directory at the bare repository HEAD', async () => {
    const repoUrl = await server.createBareRepo('first', FILES);
    const { cacheDir, workDir } = dirs();
    const phases = new Set<string>();
    const result = await cloneRepository({
      repoUrl,
      branch: 'main',
      cacheDir,
      workDir,
      onProgress: (p) => phases.add(p.phase),
    });

    expect(result).toEqual({
      dir: workDir,
      gitdir: `${workDir}.git`,
      commit: await server.headOf('first'),
      fromCache: false,
    });
    expect(await readFile(path.join(workDir, 'src/index.ts'), 'utf8')).toBe(FILES['src/index.ts']);
    expect(await readFile(path.join(workDir, 'data/b.txt'), 'utf8')).toBe(FILES['data/b.txt']);
    expect(phases.size).toBeGreaterThan(1);
  });

  it('serves later clones from the cache, fetching only what changed', async () => {
    const repoUrl = await server.createBareRepo('cached', FILES);
    const { cacheDir } = dirs();
    const packBytes = () =>
      server.requests
        .filter((r) => r.path === '/cached.git/git-upload-pack')
        .reduce((sum, r) => sum + r.responseBytes, 0);

    const first = await cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, 'cached-1') });
    const afterFirst = packBytes();
    expect(afterFirst).toBeGreaterThan(30_000); // base36 text compresses to about half

    const second = await cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, 'cached-2') });
    expect(second).toMatchObject({ commit: first.commit, fromCache: true });
    expect(packBytes() - afterFirst).toBeLessThan(2_000);
    expect(await readFile(path.join(second.dir, 'data/a.txt'), 'utf8')).toBe(FILES['data/a.txt']);

    const newCommit = await server.commitToRepo('cached', {
      'src/index.ts': 'export const answer = 43;\n',
      'README.md': null,
    });
    const beforeThird = packBytes();
    const third = await cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, 'cached-3') });
    expect(third).toMatchObject({ commit: newCommit, fromCache: true });
    expect(packBytes() - beforeThird).toBeLessThan(10_000);
    expect(await readFile(path.join(third.dir, 'src/index.ts'), 'utf8')).toBe('export const answer = 43;\n');
    await expect(readFile(path.join(third.dir, 'README.md'))).rejects.toMatchObject({ code: 'ENOENT' });
    // Earlier runs keep their own tree.
    expect(await readFile(path.join(second.dir, 'src/index.ts'), 'utf8')).toBe(FILES['src/index.ts']);
  });

  it('lets concurrent clones of one repository share a single cache safely', async () => {
    const repoUrl = await server.createBareRepo('concurrent', FILES);
    const { cacheDir } = dirs();
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, `concurrent-${i}`) }),
      ),
    );
    expect(new Set(results.map((r) => r.commit))).toEqual(new Set([await server.headOf('concurrent')]));
    expect(results.filter((r) => !r.fromCache)).toHaveLength(1);
    for (const r of results) expect(await readFile(path.join(r.dir, 'data/a.txt'), 'utf8')).toBe(FILES['data/a.txt']);
  });

  it('gives concurrent runs independent working trees over one shared store, copying no objects', async () => {
    const repoUrl = await server.createBareRepo('independent', FILES);
    const { cacheDir } = dirs();
    const [a, b] = await Promise.all(
      ['a', 'b'].map((k) =>
        cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, `independent-${k}`) }),
      ),
    );
    const store = storePath(cacheDir, repoUrl);
    for (const run of [a!, b!]) {
      // The run's objects are the store's, through a link; its git directory is outside the tree.
      expect((await lstat(path.join(run.gitdir, 'objects'))).isSymbolicLink()).toBe(true);
      expect(await readlink(path.join(run.gitdir, 'objects'))).toBe(await realpath(path.join(store, 'objects')));
      expect(await readFile(path.join(run.dir, '.git'), 'utf8')).toBe(`gitdir: ${run.gitdir}\n`);
    }
    expect(await readdir(store)).not.toContain('index'); // a bare store: no working tree of its own

    await writeFile(path.join(a!.dir, 'src/index.ts'), 'export const answer = 0;\n');
    expect((await workingTreeDiff(a!.dir)).files).toEqual(['src/index.ts']);
    expect((await workingTreeDiff(b!.dir)).files).toEqual([]);
    expect(await readFile(path.join(b!.dir, 'src/index.ts'), 'utf8')).toBe(FILES['src/index.ts']);
    // The git CLI reads the same trees: status sees the edit in one run only.
    expect((await exec('git', ['status', '--porcelain'], { cwd: a!.dir })).stdout).toBe(' M src/index.ts\n');
    expect((await exec('git', ['status', '--porcelain'], { cwd: b!.dir })).stdout).toBe('');
  });

  it('resolves the commit with a fetch into the store and no working tree, seeing new commits', async () => {
    const repoUrl = await server.createBareRepo('resolve', FILES);
    const { cacheDir } = dirs();
    const first = await fetchBranch({ repoUrl, branch: 'main', cacheDir });
    expect(first).toEqual({ commit: await server.headOf('resolve'), fromCache: false });
    expect(await readdir(cacheDir)).toEqual([path.basename(storePath(cacheDir, repoUrl))]);

    const next = await server.commitToRepo('resolve', { 'src/index.ts': 'export const answer = 44;\n' });
    const before = server.requests.length;
    expect(await fetchBranch({ repoUrl, branch: 'main', cacheDir })).toEqual({ commit: next, fromCache: true });
    const fetched = server.requests.slice(before).reduce((sum, r) => sum + r.responseBytes, 0);
    expect(fetched).toBeLessThan(5_000); // the new commit, not the 80 kB tree again

    // The next run's checkout is of the new commit, from the store.
    const run = await cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, 'resolve-run') });
    expect(run).toMatchObject({ commit: next, fromCache: true });
    expect(await readFile(path.join(run.dir, 'src/index.ts'), 'utf8')).toBe('export const answer = 44;\n');
  });

  it('falls back to a fresh clone when the store is missing or corrupted', async () => {
    const repoUrl = await server.createBareRepo('broken', FILES);
    const { cacheDir } = dirs();
    const workDir = path.join(tmp, 'broken-run');
    const clone = () => cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir });
    const check = async () => {
      expect(await readFile(path.join(workDir, 'data/a.txt'), 'utf8')).toBe(FILES['data/a.txt']);
      expect((await workingTreeDiff(workDir)).files).toEqual([]);
    };
    await clone();
    const store = storePath(cacheDir, repoUrl);
    const packDir = path.join(store, 'objects', 'pack');
    const pack = async () =>
      path.join(
        packDir,
        (await readdir(packDir)).find((f) => f.endsWith('.pack'))!,
      );

    await rm(store, { recursive: true, force: true });
    expect(await clone()).toMatchObject({ fromCache: false });
    await check();

    // A pack cut short: the checkout cannot read it, so the store is cloned again.
    const file = await pack();
    await truncate(file, 2_000);
    expect(await clone()).toMatchObject({ fromCache: false });
    await check();

    // A ref naming an object the store does not have.
    await writeFile(path.join(store, 'refs', 'heads', 'main'), `${'1'.repeat(40)}\n`);
    expect(await clone()).toMatchObject({ fromCache: false });
    await check();
    expect(await clone()).toMatchObject({ fromCache: true });
  });

  it('clones the store afresh once incremental fetches have left too many packs', async () => {
    const repoUrl = await server.createBareRepo('packs', FILES);
    const { cacheDir } = dirs();
    await fetchBranch({ repoUrl, branch: 'main', cacheDir });
    const packDir = path.join(storePath(cacheDir, repoUrl), 'objects', 'pack');
    const [idx] = (await readdir(packDir)).filter((f) => f.endsWith('.idx'));
    const pack = idx!.replace(/\.idx$/, '.pack');
    // Copies of the one pack stand for 50 fetches' packs: same objects, more indexes to read.
    for (let i = 0; i < 50; i += 1) {
      const name = `pack-${String(i).padStart(40, '0')}`;
      await writeFile(path.join(packDir, `${name}.pack`), await readFile(path.join(packDir, pack)));
      await writeFile(path.join(packDir, `${name}.idx`), await readFile(path.join(packDir, idx!)));
    }
    const run = await cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, 'packs-run') });
    expect(run.fromCache).toBe(false);
    expect((await readdir(packDir)).filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    expect(await readFile(path.join(run.dir, 'data/b.txt'), 'utf8')).toBe(FILES['data/b.txt']);
  });

  it('fetches another branch of a cached repository', async () => {
    const repoUrl = await server.createBareRepo('two-branches', FILES);
    await exec('git', ['--git-dir', server.repoPath('two-branches'), 'branch', 'feature', 'main']);
    const featureCommit = await server.commitToRepo('two-branches', { 'feature.txt': 'feature\n' }, 'feature');
    const { cacheDir } = dirs();
    await cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: path.join(tmp, 'two-main') });
    const feature = await cloneRepository({
      repoUrl,
      branch: 'feature',
      cacheDir,
      workDir: path.join(tmp, 'two-feature'),
    });
    expect(feature).toMatchObject({ commit: featureCommit, fromCache: true });
    expect(await readFile(path.join(feature.dir, 'feature.txt'), 'utf8')).toBe('feature\n');
  });

  it('replaces a work directory left over from an earlier attempt', async () => {
    const repoUrl = await server.createBareRepo('rerun', FILES);
    const opts: CloneOptions = { repoUrl, branch: 'main', ...dirs() };
    await cloneRepository(opts);
    await rm(path.join(opts.workDir, 'README.md'));
    await cloneRepository(opts);
    expect(await readFile(path.join(opts.workDir, 'README.md'), 'utf8')).toBe(FILES['README.md']);
  });

  it('fails with a non-retryable GitNotFound for an unknown branch or repository', async () => {
    const repoUrl = await server.createBareRepo('branches', FILES);
    const branch = await failureOf(cloneRepository({ repoUrl, branch: 'no-such-branch', ...dirs() }));
    expect(branch).toMatchObject({ type: 'GitNotFound', nonRetryable: true });

    const repo = await failureOf(cloneRepository({ repoUrl: `${server.url}/missing.git`, branch: 'main', ...dirs() }));
    expect(repo).toMatchObject({ type: 'GitNotFound', nonRetryable: true });
  });

  it('fails with a retryable GitNetworkError when the server cannot be reached', async () => {
    const down = await startGitServer();
    const repoUrl = `${down.url}/gone.git`;
    await down.close();
    const err = await failureOf(cloneRepository({ repoUrl, branch: 'main', ...dirs() }));
    expect(err).toMatchObject({ type: 'GitNetworkError', nonRetryable: false });
  });
});

describe('cloneRepository with a token', () => {
  const token = 'ghs_s3cr3t-T0KEN-value';
  let secured: GitServer;
  let repoUrl: string;
  beforeAll(async () => {
    secured = await startGitServer({ token });
    repoUrl = await secured.createBareRepo('private', FILES);
  });
  afterAll(() => secured?.close());

  it('fails with a non-retryable GitAuthError without a token', async () => {
    const err = await failureOf(cloneRepository({ repoUrl, branch: 'main', ...dirs() }));
    expect(err).toMatchObject({ type: 'GitAuthError', nonRetryable: true });
  });

  it('fails with GitAuthError for a wrong token and never echoes it', async () => {
    const wrong = 'ghs_wrong-token-123';
    const err = await failureOf(cloneRepository({ repoUrl, branch: 'main', token: wrong, ...dirs() }));
    expect(err).toMatchObject({ type: 'GitAuthError', nonRetryable: true });
    expect(JSON.stringify({ message: err.message, stack: err.stack, details: err.details })).not.toContain(wrong);
  });

  it('clones and refreshes with the token sent up front', async () => {
    const { cacheDir } = dirs();
    const before = secured.requests.length;
    const first = await cloneRepository({
      repoUrl,
      branch: 'main',
      token,
      cacheDir,
      workDir: path.join(tmp, 'private-1'),
    });
    expect(first.commit).toBe(await secured.headOf('private'));
    const second = await cloneRepository({
      repoUrl,
      branch: 'main',
      token,
      cacheDir,
      workDir: path.join(tmp, 'private-2'),
    });
    expect(second.fromCache).toBe(true);
    const made = secured.requests.slice(before);
    expect(made.length).toBeGreaterThan(0);
    expect(made.every((r) => r.status === 200)).toBe(true);
  });

  it('keeps the token out of errors raised after authentication', async () => {
    const err = await failureOf(cloneRepository({ repoUrl, branch: 'missing', token, ...dirs() }));
    expect(err.type).toBe('GitNotFound');
    expect(`${err.message}\n${err.stack}`).not.toContain(token);
  });
});
