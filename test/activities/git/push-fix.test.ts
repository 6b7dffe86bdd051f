import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneRepository } from '../../../activities/git/clone-repository';
import { createGitActivities, PIPELINE_AUTHOR } from '../../../activities/git/index';
import { pushFixBranch, type PushBranchOptions } from '../../../activities/git/push-fix';
import { workingTreeDiff } from '../../../activities/git/working-tree-diff';
import { startGitServer, type GitServer } from '../../fakes/git-server';
import { failureOf } from '../../support/failure-of';

const exec = promisify(execFile);

const FILES = {
  'README.md': '# app\n',
  'src/handler.ts': 'export function handle(x: string | undefined) {\n  return x.length;\n}\n',
  'src/legacy.ts': 'export const legacy = 1;\n',
};
const FIXED = 'export function handle(x: string | undefined) {\n  return x?.length ?? 0;\n}\n';
const author = { name: 'Fix Bot', email: 'fix-bot@example.test' };

let server: GitServer;
let tmp: string;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'push-test-'));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
const dir = (name: string) => path.join(tmp, `${name}-${(n += 1)}`);

/** The fix as the pipeline gets it: a clone edited in place, then workingTreeDiff. */
async function fixDiff(repoUrl: string, token?: string): Promise<string> {
  const { dir: work } = await cloneRepository({
    repoUrl,
    branch: 'main',
    ...(token ? { token } : {}),
    cacheDir: dir('cache'),
    workDir: dir('edit'),
  });
  await writeFile(path.join(work, 'src/handler.ts'), FIXED);
  await rm(path.join(work, 'src/legacy.ts'));
  await writeFile(path.join(work, 'src/handler.test.ts'), 'test("empty", () => {});\n');
  return (await workingTreeDiff(work)).diff;
}

/** The git CLI against the bare repository on disk. */
async function bare(server: GitServer, name: string, ...args: string[]): Promise<string> {
  return (await exec('git', ['--git-dir', server.repoPath(name), ...args])).stdout.trim();
}

const receivePacks = (s: GitServer, name: string) =>
  s.requests.filter((r) => r.path.startsWith(`/${name}.git/`) && r.service === 'git-receive-pack').length;

describe('pushFixBranch', () => {
  it('pushes one commit with the fix on a new branch whose parent is the base tip', async () => {
    const repoUrl = await server.createBareRepo('fix', FILES);
    const base = await server.headOf('fix');
    const diff = await fixDiff(repoUrl);
    const phases: string[] = [];

    const result = await pushFixBranch({
      repoUrl,
      baseBranch: 'main',
      branch: 'bugfix/run-1',
      diff,
      commitMessage: 'Fix TypeError in handle\n\nDetails.',
      author,
      cacheDir: path.join(tmp, 'store'),
      workDir: dir('push'),
      onProgress: (p) => phases.push(p.phase),
    });

    expect(result).toEqual({
      branch: 'bugfix/run-1',
      commit: await server.headOf('fix', 'bugfix/run-1'),
      baseCommit: base,
      alreadyPushed: false,
    });
    expect(await bare(server, 'fix', 'rev-parse', 'bugfix/run-1^')).toBe(base);
    expect(await bare(server, 'fix', 'show', 'bugfix/run-1:src/handler.ts')).toBe(FIXED.trimEnd());
    expect(await bare(server, 'fix', 'show', 'bugfix/run-1:src/handler.test.ts')).toBe('test("empty", () => {});');
    expect(await bare(server, 'fix', 'ls-tree', '-r', '--name-only', 'bugfix/run-1')).toBe(
      'README.md\nsrc/handler.test.ts\nsrc/handler.ts',
    );
    expect(await bare(server, 'fix', 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', 'bugfix/run-1')).toBe(
      'Fix Bot <fix-bot@example.test>|Fix Bot <fix-bot@example.test>|Fix TypeError in handle\n\nDetails.',
    );
    await exec('git', ['--git-dir', server.repoPath('fix'), 'fsck', '--strict']);
    expect(await server.headOf('fix')).toBe(base); // main untouched
    expect(phases).toEqual(expect.arrayContaining(['Looking up the branch', 'Applying the diff', 'Pushing']));
  });

  it('pushes from a shallow checkout of the shared store, sending only the new commit', async () => {
    // A history of two commits and 200 kB of content: neither the old commit nor the tree goes back up.
    const big = Array.from({ length: 5_000 }, (_, i) => `line ${i} ${((i * 7919) % 104729).toString(36)}`).join('\n');
    const repoUrl = await server.createBareRepo('shallow', { ...FILES, 'data/big.txt': big });
    const base = await server.commitToRepo('shallow', { 'data/more.txt': `${big}\nmore\n` });
    const cacheDir = dir('cache');
    const diff = await fixDiff(repoUrl);
    const { gitdir } = await cloneRepository({ repoUrl, branch: 'main', cacheDir, workDir: dir('peek') });
    expect((await readFile(path.join(gitdir, 'shallow'), 'utf8')).trim()).toBe(base);

    const result = await pushFixBranch({
      repoUrl,
      baseBranch: 'main',
      branch: 'bugfix/shallow',
      diff,
      commitMessage: 'Fix',
      author,
      cacheDir,
      workDir: dir('push'),
    });
    expect(result).toMatchObject({ baseCommit: base, alreadyPushed: false });
    expect(await bare(server, 'shallow', 'rev-parse', 'bugfix/shallow^')).toBe(base);
    expect(await bare(server, 'shallow', 'show', 'bugfix/shallow:src/handler.ts')).toBe(FIXED.trimEnd());
    await exec('git', ['--git-dir', server.repoPath('shallow'), 'fsck', '--strict']);
    const pushed = server.requests
      .filter((r) => r.path === '/shallow.git/git-receive-pack' && r.method === 'POST')
      .reduce((sum, r) => sum + r.requestBytes, 0);
    expect(pushed).toBeGreaterThan(0);
    expect(pushed).toBeLessThan(3_000);
  });

  it('returns the existing branch on a second call, without pushing again', async () => {
    const repoUrl = await server.createBareRepo('twice', FILES);
    const diff = await fixDiff(repoUrl);
    const opts: PushBranchOptions = {
      repoUrl,
      baseBranch: 'main',
      branch: 'bugfix/twice',
      diff,
      commitMessage: 'Fix',
      author,
      cacheDir: path.join(tmp, 'store'),
      workDir: dir('push'),
    };
    const first = await pushFixBranch(opts);
    const pushesAfterFirst = receivePacks(server, 'twice');
    expect(pushesAfterFirst).toBeGreaterThan(0);

    // Same worker (its clone is still there) and another worker (fresh work directory).
    const second = await pushFixBranch(opts);
    const third = await pushFixBranch({ ...opts, workDir: dir('other-worker') });

    expect(second).toEqual({ ...first, alreadyPushed: true });
    expect(third).toEqual({ ...first, alreadyPushed: true });
    expect(receivePacks(server, 'twice')).toBe(pushesAfterFirst);
    expect(await bare(server, 'twice', 'for-each-ref', '--format=%(refname)', 'refs/heads')).toBe(
      'refs/heads/bugfix/twice\nrefs/heads/main',
    );
    expect(await bare(server, 'twice', 'rev-list', '--count', 'main..bugfix/twice')).toBe('1');
  });

  it('does not overwrite a branch that appears between the lookup and the push', async () => {
    const repoUrl = await server.createBareRepo('race', FILES);
    await bare(server, 'race', 'branch', 'other', 'main');
    const someoneElse = await server.commitToRepo('race', { 'other.txt': 'other\n' }, 'other');
    const diff = await fixDiff(repoUrl);
    const opts: PushBranchOptions = {
      repoUrl,
      baseBranch: 'main',
      branch: 'bugfix/race',
      diff,
      commitMessage: 'Fix',
      author,
      cacheDir: path.join(tmp, 'store'),
      workDir: dir('push'),
      onProgress: (p) => {
        // A plain file write into the bare repository (no child process: the server lives in this process).
        if (p.phase !== 'Pushing') return;
        mkdirSync(path.join(server.repoPath('race'), 'refs/heads/bugfix'), { recursive: true });
        writeFileSync(path.join(server.repoPath('race'), 'refs/heads/bugfix/race'), `${someoneElse}\n`);
      },
    };
    const err = await failureOf(pushFixBranch(opts));
    expect(err).toMatchObject({ type: 'GitPushRejected', nonRetryable: false });
    expect(await server.headOf('race', 'bugfix/race')).toBe(someoneElse);

    // The retry finds the branch and leaves it alone.
    const retry = await pushFixBranch({ ...opts, onProgress: () => undefined });
    expect(retry).toMatchObject({ commit: someoneElse, alreadyPushed: true });
    expect(await server.headOf('race', 'bugfix/race')).toBe(someoneElse);
  });

  it('fails with PatchDoesNotApply when the base branch moved under the fix, pushing nothing', async () => {
    const repoUrl = await server.createBareRepo('moved', FILES);
    const diff = await fixDiff(repoUrl);
    await server.commitToRepo('moved', {
      'src/handler.ts': 'export function handle(x: string) {\n  return x.length;\n}\n',
    });
    const err = await failureOf(
      pushFixBranch({
        repoUrl,
        baseBranch: 'main',
        branch: 'bugfix/moved',
        diff,
        commitMessage: 'Fix',
        author,
        cacheDir: path.join(tmp, 'store'),
        workDir: dir('push'),
      }),
    );
    expect(err).toMatchObject({
      type: 'PatchDoesNotApply',
      nonRetryable: true,
      details: [{ file: 'src/handler.ts', hunk: 1 }],
    });
    expect(receivePacks(server, 'moved')).toBe(0);
  });

  it('fails with a non-retryable EmptyPatch for a diff that changes nothing', async () => {
    const repoUrl = await server.createBareRepo('empty', FILES);
    const err = await failureOf(
      pushFixBranch({
        repoUrl,
        baseBranch: 'main',
        branch: 'bugfix/empty',
        diff: '',
        commitMessage: 'Fix',
        author,
        cacheDir: path.join(tmp, 'store'),
        workDir: dir('push'),
      }),
    );
    expect(err).toMatchObject({ type: 'EmptyPatch', nonRetryable: true });
    expect(await bare(server, 'empty', 'for-each-ref', '--format=%(refname)', 'refs/heads')).toBe('refs/heads/main');
  });

  it('fails with GitNotFound for an unknown base branch', async () => {
    const repoUrl = await server.createBareRepo('nobase', FILES);
    const err = await failureOf(
      pushFixBranch({
        repoUrl,
        baseBranch: 'develop',
        branch: 'bugfix/x',
        diff: '',
        commitMessage: 'Fix',
        author,
        cacheDir: path.join(tmp, 'store'),
        workDir: dir('push'),
      }),
    );
    expect(err).toMatchObject({ type: 'GitNotFound', nonRetryable: true });
  });
});

describe('pushFixBranch with a token', () => {
  const token = 'ghs_push-T0KEN-secret';
  let secured: GitServer;
  let repoUrl: string;
  let diff: string;
  beforeAll(async () => {
    secured = await startGitServer({ token });
    repoUrl = await secured.createBareRepo('private', FILES);
    diff = await fixDiff(repoUrl, token);
  });
  afterAll(() => secured?.close());

  const opts = (): PushBranchOptions => ({
    repoUrl,
    baseBranch: 'main',
    branch: 'bugfix/private',
    diff,
    commitMessage: 'Fix',
    author,
    cacheDir: path.join(tmp, 'store'),
    workDir: dir('push'),
  });

  it('fails with a non-retryable GitAuthError without the token, pushing nothing', async () => {
    const err = await failureOf(pushFixBranch(opts()));
    expect(err).toMatchObject({ type: 'GitAuthError', nonRetryable: true });
    expect(receivePacks(secured, 'private')).toBe(0);
  });

  it('pushes with the token sent up front, and never echoes it in errors', async () => {
    const before = secured.requests.length;
    const result = await pushFixBranch({ ...opts(), token });
    expect(result.commit).toBe(await secured.headOf('private', 'bugfix/private'));
    const made = secured.requests.slice(before);
    expect(made.every((r) => r.status === 200)).toBe(true);
    expect(made.some((r) => r.service === 'git-receive-pack' && r.method === 'POST')).toBe(true);

    const err = await failureOf(pushFixBranch({ ...opts(), token, branch: 'bugfix/other', baseBranch: 'missing' }));
    expect(err.type).toBe('GitNotFound');
    expect(`${err.message}\n${err.stack}`).not.toContain(token);
  });
});

describe('createGitActivities().pushFixBranch', () => {
  it('pushes from the configured branch with the pipeline author, heartbeating inside an activity', async () => {
    const repoUrl = await server.createBareRepo('activity', FILES);
    const diff = await fixDiff(repoUrl);
    const activities = createGitActivities({ repoUrl, branch: 'main', cacheDir: dir('cache') }, path.join(tmp, 'runs'));
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));

    const push = activities.pushFixBranch;
    const input = { runKey: 'svc/TypeError:abc', branch: 'bugfix/activity', diff, commitMessage: 'Fix it' };
    const result = await env.run<Parameters<typeof push>, Awaited<ReturnType<typeof push>>, typeof push>(push, input);

    expect(result).toMatchObject({
      branch: 'bugfix/activity',
      baseCommit: await server.headOf('activity'),
      alreadyPushed: false,
    });
    expect(await bare(server, 'activity', 'log', '-1', '--format=%an <%ae>', 'bugfix/activity')).toBe(
      `${PIPELINE_AUTHOR.name} <${PIPELINE_AUTHOR.email}>`,
    );
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(await activities.pushFixBranch(input)).toEqual({ ...result, alreadyPushed: true });
  });

  it('refuses to run without a repository URL', async () => {
    const activities = createGitActivities({ branch: 'main', cacheDir: dir('cache') }, tmp);
    const err = await failureOf(activities.pushFixBranch({ runKey: 'x', branch: 'b', diff: '', commitMessage: 'm' }));
    expect(err).toMatchObject({ type: 'GitConfigError', nonRetryable: true });
  });
});
