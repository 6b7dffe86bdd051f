import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutTree } from '../../../activities/git/checkout-tree';

const exec = promisify(execFile);
const env = {
  PATH: process.env.PATH,
  HOME: os.tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.test',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.test',
};
const run = async (cwd: string, args: string[], input?: string) => {
  const p = exec('git', args, { cwd, env });
  if (input !== undefined) p.child.stdin!.end(input);
  return (await p).stdout.trim();
};

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'checkout-tree-test-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Similar files, so `git repack` stores most of them as deltas of one another. */
const lines = (seed: number) =>
  Array.from({ length: 400 }, (_, i) => `line ${i} ${i % 50 === seed % 50 ? `changed ${seed}` : 'same'}`).join('\n');

async function sourceRepo(name: string, pack: boolean): Promise<{ repo: string; commit: string }> {
  const repo = path.join(tmp, name);
  await mkdir(repo);
  await run(repo, ['init', '-q', '-b', 'main']);
  for (let i = 0; i < 30; i += 1) {
    await mkdir(path.join(repo, `dir${i % 3}`, 'deep'), { recursive: true });
    await writeFile(path.join(repo, `dir${i % 3}`, 'deep', `file${i}.txt`), lines(i));
  }
  await writeFile(path.join(repo, 'empty'), '');
  await writeFile(path.join(repo, 'copy-a.txt'), 'same content\n');
  await writeFile(path.join(repo, 'copy-b.txt'), 'same content\n');
  await writeFile(path.join(repo, 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(path.join(repo, 'run.sh'), 0o755);
  await symlink('dir0/deep/file0.txt', path.join(repo, 'link'));
  await writeFile(path.join(repo, 'ünïcode name.txt'), 'ü\n');
  await run(repo, ['add', '-A']);
  await run(repo, ['commit', '-qm', 'one']);
  if (pack) await run(repo, ['repack', '-adfq', '--depth=50', '--window=50']);
  return { repo, commit: await run(repo, ['rev-parse', 'HEAD']) };
}

/** A git directory of its own whose objects are the source's, as cloneRepository makes it. */
async function runGitdir(source: string, commit: string, name: string) {
  const gitdir = path.join(tmp, `${name}.git`);
  await mkdir(path.join(gitdir, 'refs', 'heads'), { recursive: true });
  await symlink(path.join(source, '.git', 'objects'), path.join(gitdir, 'objects'));
  await writeFile(path.join(gitdir, 'HEAD'), 'ref: refs/heads/main\n');
  await writeFile(path.join(gitdir, 'refs', 'heads', 'main'), `${commit}\n`);
  const dir = path.join(tmp, name);
  return { gitdir, dir };
}

describe('checkoutTree', () => {
  for (const pack of [true, false]) {
    it(`writes what git checks out, with an index git and isomorphic-git accept (${pack ? 'deltified pack' : 'loose objects'})`, async () => {
      const name = pack ? 'packed' : 'loose';
      const { repo, commit } = await sourceRepo(`${name}-src`, pack);
      if (pack) expect(await run(repo, ['count-objects', '-v'])).toMatch(/^count: 0$/m);
      const { gitdir, dir } = await runGitdir(repo, commit, name);

      await checkoutTree({ gitdir, dir, commit });
      await writeFile(path.join(dir, '.git'), `gitdir: ${gitdir}\n`);

      // Byte for byte, mode for mode, what the git CLI has in the source's working tree.
      const listing = async (root: string) =>
        (await run(root, ['ls-files', '-s'])).split('\n').filter((l) => !l.includes('\t.git'));
      expect(await listing(dir)).toEqual(await listing(repo));
      expect(await run(dir, ['status', '--porcelain'])).toBe('');
      expect(await run(dir, ['diff-index', '--cached', 'HEAD'])).toBe('');
      expect(await readFile(path.join(dir, 'dir2', 'deep', 'file29.txt'), 'utf8')).toBe(lines(29));
      expect(await readFile(path.join(dir, 'copy-b.txt'), 'utf8')).toBe('same content\n');
      expect((await lstat(path.join(dir, 'run.sh'))).mode & 0o111).not.toBe(0);
      expect(await readlink(path.join(dir, 'link'))).toBe('dir0/deep/file0.txt');
      // isomorphic-git compares stats with the index: nothing looks changed, no file is hashed.
      const matrix = await git.statusMatrix({ fs, dir, gitdir });
      expect(matrix.length).toBe(36);
      expect(matrix.filter(([, h, w, s]) => h !== 1 || w !== 1 || s !== 1)).toEqual([]);
    });
  }

  it('refuses a tree with a .git entry, which could write into a repository', async () => {
    const repo = path.join(tmp, 'evil-src');
    await mkdir(repo);
    await run(repo, ['init', '-q', '-b', 'main']);
    const blob = await run(repo, ['hash-object', '-w', '--stdin'], '[core]\n\tfsmonitor = touch /tmp/pwned\n');
    const inner = Buffer.concat([Buffer.from('100644 config\0'), Buffer.from(blob, 'hex')]);
    const innerOid = await hashTree(repo, inner);
    const outer = Buffer.concat([Buffer.from('40000 .GIT\0'), Buffer.from(innerOid, 'hex')]);
    const outerOid = await hashTree(repo, outer);
    const commit = await run(repo, ['commit-tree', outerOid, '-m', 'evil']);
    const { gitdir, dir } = await runGitdir(repo, commit, 'evil');

    await expect(checkoutTree({ gitdir, dir, commit })).rejects.toThrow(/Refusing tree .*"\.GIT"/);
    await expect(lstat(path.join(dir, '.GIT'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** Writes a tree object as given, bypassing git's own checks (`--literally`). */
async function hashTree(repo: string, content: Buffer): Promise<string> {
  const file = path.join(repo, `tree-${content.length}`);
  await writeFile(file, content);
  return run(repo, ['hash-object', '-t', 'tree', '--literally', '-w', file]);
}
