import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneRepository } from '../../../activities/git/clone-repository';
import { createGitActivities } from '../../../activities/git/index';
import { pushFixBranch } from '../../../activities/git/push-fix';
import { pushRevertBranch } from '../../../activities/git/revert-fix';
import { workingTreeDiff } from '../../../activities/git/working-tree-diff';
import { startGitServer, type GitServer } from '../../fakes/git-server';
import { failureOf } from '../../support/failure-of';

const exec = promisify(execFile);

const FILES: Record<string, string> = {
  'README.md': '# app\n',
  'src/handler.ts': 'export function handle(x: string | undefined) {\n  return x.length;\n}\n',
  'src/legacy.ts': 'export const legacy = 1;\n',
  'src/tail.txt': 'no newline at the end',
};
const author = { name: 'Fix Bot', email: 'fix-bot@example.test' };

let server: GitServer;
let tmp: string;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'revert-test-'));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
const dir = (name: string) => path.join(tmp, `${name}-${(n += 1)}`);

const bare = async (name: string, ...args: string[]) =>
  (await exec('git', ['--git-dir', server.repoPath(name), ...args])).stdout.trim();

/** A repository whose fix (edit, delete, add, end-of-file newline change) is on `bugfix/<name>` and merged into main. */
async function mergedFix(name: string): Promise<{ repoUrl: string; diff: string }> {
  const repoUrl = await server.createBareRepo(name, FILES);
  const { dir: work } = await cloneRepository({
    repoUrl,
    branch: 'main',
    cacheDir: dir('cache'),
    workDir: dir('edit'),
  });
  await writeFile(
    path.join(work, 'src/handler.ts'),
    'export function handle(x: string | undefined) {\n  return x?.length ?? 0;\n}\n',
  );
  await rm(path.join(work, 'src/legacy.ts'));
  await writeFile(path.join(work, 'src/handler.test.ts'), 'test("empty", () => {});\n');
  await writeFile(path.join(work, 'src/tail.txt'), 'no newline at the end\n');
  const { diff } = await workingTreeDiff(work);
  await pushFixBranch({
    repoUrl,
    baseBranch: 'main',
    branch: `bugfix/${name}`,
    diff,
    commitMessage: 'Fix',
    author,
    cacheDir: path.join(tmp, 'store'),
    workDir: dir('push'),
  });

  // Merge as a reviewer would: the git CLI, over HTTP, with a merge commit.
  const clone = dir('merge');
  const cli = (...args: string[]) =>
    exec('git', ['-C', clone, '-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.test', ...args]);
  await exec('git', ['clone', '-q', repoUrl, clone]);
  await cli('merge', '-q', '--no-ff', '-m', 'Merge fix', `origin/bugfix/${name}`);
  await cli('push', '-q', 'origin', 'main');
  return { repoUrl, diff };
}

describe('pushRevertBranch', () => {
  it('pushes a branch on the current main that restores the pre-fix content and keeps later work', async () => {
    const { repoUrl, diff } = await mergedFix('revert');
    expect(await bare('revert', 'show', 'main:src/handler.ts')).toContain('x?.length');
    await server.commitToRepo('revert', { 'README.md': '# app, later work\n' });
    const main = await server.headOf('revert');

    const result = await pushRevertBranch({
      repoUrl,
      baseBranch: 'main',
      branch: 'revert/revert',
      diff,
      commitMessage: 'Revert fix',
      author,
      cacheDir: path.join(tmp, 'store'),
      workDir: dir('revert'),
    });

    expect(result).toMatchObject({
      branch: 'revert/revert',
      commit: await server.headOf('revert', 'revert/revert'),
      baseCommit: main,
      alreadyPushed: false,
    });
    expect(await bare('revert', 'rev-parse', 'revert/revert^')).toBe(main);
    for (const file of ['src/handler.ts', 'src/legacy.ts', 'src/tail.txt']) {
      // Blob ids, so that the end-of-file newline counts too.
      expect(await bare('revert', 'rev-parse', `revert/revert:${file}`), file).toBe(await blobOf(FILES[file]!));
    }
    expect(await bare('revert', 'ls-tree', '-r', '--name-only', 'revert/revert')).toBe(
      'README.md\nsrc/handler.ts\nsrc/legacy.ts\nsrc/tail.txt',
    );
    expect(await bare('revert', 'show', 'revert/revert:README.md')).toBe('# app, later work');
    expect(await bare('revert', 'log', '-1', '--format=%s', 'revert/revert')).toBe('Revert fix');
  });

  it('is idempotent: a second call returns the branch without pushing', async () => {
    const { repoUrl, diff } = await mergedFix('again');
    const opts = {
      repoUrl,
      baseBranch: 'main',
      branch: 'revert/again',
      diff,
      commitMessage: 'Revert',
      author,
      cacheDir: path.join(tmp, 'store'),
      workDir: dir('revert'),
    };
    const first = await pushRevertBranch(opts);
    const pushes = server.requests.filter(
      (r) => r.path.startsWith('/again.git/') && r.service === 'git-receive-pack',
    ).length;
    expect(await pushRevertBranch({ ...opts, workDir: dir('revert') })).toEqual({ ...first, alreadyPushed: true });
    expect(
      server.requests.filter((r) => r.path.startsWith('/again.git/') && r.service === 'git-receive-pack').length,
    ).toBe(pushes);
    expect(await bare('again', 'rev-list', '--count', 'main..revert/again')).toBe('1');
  });

  it('fails with PatchDoesNotApply when the fixed lines changed after the merge', async () => {
    const { repoUrl, diff } = await mergedFix('changed');
    await server.commitToRepo('changed', {
      'src/handler.ts': 'export function handle(x?: string) {\n  return x?.length ?? -1;\n}\n',
    });
    const err = await failureOf(
      pushRevertBranch({
        repoUrl,
        baseBranch: 'main',
        branch: 'revert/changed',
        diff,
        commitMessage: 'Revert',
        author,
        cacheDir: path.join(tmp, 'store'),
        workDir: dir('revert'),
      }),
    );
    expect(err).toMatchObject({
      type: 'PatchDoesNotApply',
      nonRetryable: true,
      details: [{ file: 'src/handler.ts', hunk: 1 }],
    });
    expect(await bare('changed', 'for-each-ref', '--format=%(refname)', 'refs/heads/revert')).toBe('');
  });

  it('runs as an activity on the configured branch', async () => {
    const { repoUrl, diff } = await mergedFix('activity');
    const activities = createGitActivities({ repoUrl, branch: 'main', cacheDir: dir('cache') }, path.join(tmp, 'runs'));
    const result = await activities.pushRevertBranch({
      runKey: 'svc/err',
      branch: 'revert/activity',
      diff,
      commitMessage: 'Revert',
    });
    expect(result).toMatchObject({ baseCommit: await server.headOf('activity'), alreadyPushed: false });
    expect(await bare('activity', 'rev-parse', 'revert/activity:src/legacy.ts')).toBe(
      await blobOf(FILES['src/legacy.ts']!),
    );
  });
});

/** The blob id git gives `content`, computed by the git CLI. */
async function blobOf(content: string): Promise<string> {
  const child = execFile('git', ['hash-object', '--stdin']);
  const out = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout.trim()) : reject(new Error(`git hash-object exited ${code}`)),
    );
  });
  child.stdin?.end(content);
  return out;
}
