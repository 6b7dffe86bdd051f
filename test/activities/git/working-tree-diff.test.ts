import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneRepository } from '../../../activities/git/clone-repository';
import { workingTreeDiff } from '../../../activities/git/working-tree-diff';
import { startGitServer, type GitServer } from '../../fakes/git-server';

const exec = promisify(execFile);

const FILES: Record<string, string> = {
  '.gitignore': '*.log\n',
  'README.md': '# app\n',
  'src/math.ts': Array.from({ length: 30 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n',
  'src/old.ts': 'export const old = true;\n',
  'src/no-newline.txt': 'last line',
  'src/windows.txt': 'one\r\ntwo\r\nthree\r\n',
  'docs/with space.md': 'hello\n',
  'run.sh': '#!/bin/sh\necho run\n',
};

let server: GitServer;
let tmp: string;
let repoUrl: string;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'diff-test-'));
  repoUrl = await server.createBareRepo('diffs', FILES);
  // Make run.sh executable in the repository itself.
  const work = path.join(tmp, 'mode');
  await exec('git', ['clone', '-q', server.repoPath('diffs'), work]);
  await exec('git', ['-C', work, 'update-index', '--chmod=+x', 'run.sh']);
  await exec('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'exec bit']);
  await exec('git', ['-C', work, 'push', '-q', 'origin', 'main']);
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
async function freshClone(): Promise<string> {
  n += 1;
  const { dir } = await cloneRepository({
    repoUrl,
    branch: 'main',
    cacheDir: path.join(tmp, 'cache'),
    workDir: path.join(tmp, `work-${n}`),
  });
  return dir;
}

/** Applies `diff` to a fresh git CLI clone of the bare repository: `--check`, then for real. */
async function applyToFreshCheckout(diff: string): Promise<string> {
  n += 1;
  const checkout = path.join(tmp, `cli-${n}`);
  await exec('git', ['clone', '-q', server.repoPath('diffs'), checkout]);
  const patchFile = path.join(tmp, `patch-${n}.diff`);
  await writeFile(patchFile, diff);
  await exec('git', ['-C', checkout, 'apply', '--check', patchFile]);
  await exec('git', ['-C', checkout, 'apply', patchFile]);
  return checkout;
}

describe('workingTreeDiff', () => {
  it('is empty for an untouched clone', async () => {
    const dir = await freshClone();
    expect(await workingTreeDiff(dir)).toEqual({ diff: '', files: [] });
  });

  it('produces a diff that git applies to a fresh checkout, reproducing the edited tree', async () => {
    const dir = await freshClone();
    const math = FILES['src/math.ts']!.replace('v3 = 3;', 'v3 = 33;').replace('v27 = 27;', 'v27 = -27;');
    await writeFile(path.join(dir, 'src/math.ts'), math);
    await rm(path.join(dir, 'src/old.ts'));
    await mkdir(path.join(dir, 'src/new/deep'), { recursive: true });
    await writeFile(path.join(dir, 'src/new/deep/added.ts'), 'export const added = 1;\n');
    await writeFile(path.join(dir, 'src/no-newline.txt'), 'last line, changed');
    await writeFile(path.join(dir, 'src/windows.txt'), 'one\r\nTWO\r\nthree\r\n');
    await writeFile(path.join(dir, 'docs/with space.md'), 'hello\nworld\n');
    await writeFile(path.join(dir, 'empty.txt'), '');
    await writeFile(path.join(dir, 'debug.log'), 'ignored by .gitignore\n');
    await writeFile(path.join(dir, 'tool.sh'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'tool.sh'), 0o755);

    const { diff, files } = await workingTreeDiff(dir);
    expect(files).toEqual([
      'docs/with space.md',
      'empty.txt',
      'src/math.ts',
      'src/new/deep/added.ts',
      'src/no-newline.txt',
      'src/old.ts',
      'src/windows.txt',
      'tool.sh',
    ]);
    expect(diff).toContain('diff --git a/src/math.ts b/src/math.ts\n');
    expect(diff).toContain('--- a/src/old.ts\n+++ /dev/null\n');
    expect(diff).toContain('--- /dev/null\n+++ b/src/new/deep/added.ts\n');
    expect(diff).toContain('diff --git a/tool.sh b/tool.sh\nnew file mode 100755\n');

    const checkout = await applyToFreshCheckout(diff);
    for (const file of files) {
      const expected = await readFile(path.join(dir, file)).catch(() => undefined);
      const actual = await readFile(path.join(checkout, file)).catch(() => undefined);
      expect(actual, file).toEqual(expected);
    }
    expect((await stat(path.join(checkout, 'tool.sh'))).mode & 0o111).not.toBe(0);
    // git agrees on what changed.
    await exec('git', ['-C', checkout, 'add', '-A']);
    const { stdout } = await exec('git', [
      '-C',
      checkout,
      '-c',
      'core.quotepath=off',
      'diff',
      '--cached',
      '--name-only',
    ]);
    expect(stdout.trim().split('\n').sort()).toEqual(files);
  });

  it('carries a mode change of an edited file', async () => {
    const dir = await freshClone();
    await writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\necho changed\n');
    await chmod(path.join(dir, 'run.sh'), 0o644);
    const { diff, files } = await workingTreeDiff(dir);
    expect(files).toEqual(['run.sh']);
    expect(diff).toContain('old mode 100755\nnew mode 100644\n');
    const checkout = await applyToFreshCheckout(diff);
    expect(await readFile(path.join(checkout, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho changed\n');
    expect((await stat(path.join(checkout, 'run.sh'))).mode & 0o111).toBe(0);
  });

  it('lists binary files with a "Binary files differ" line', async () => {
    const dir = await freshClone();
    await writeFile(path.join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    await writeFile(path.join(dir, 'README.md'), '# app, edited\n');
    const { diff, files } = await workingTreeDiff(dir);
    expect(files).toEqual(['README.md', 'logo.png']);
    expect(diff).toContain('diff --git a/logo.png b/logo.png\nnew file mode 100644\n');
    expect(diff).toContain('Binary files /dev/null and b/logo.png differ\n');
    expect(diff).toContain('+# app, edited\n');
  });

  it('is empty again when an edit is reverted', async () => {
    const dir = await freshClone();
    await writeFile(path.join(dir, 'README.md'), 'changed\n');
    await writeFile(path.join(dir, 'README.md'), FILES['README.md']!);
    expect(await workingTreeDiff(dir)).toEqual({ diff: '', files: [] });
  });
});
