import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyUnifiedDiff } from '../../../activities/git/apply-patch';
import { cloneRepository } from '../../../activities/git/clone-repository';
import { workingTreeDiff } from '../../../activities/git/working-tree-diff';
import { startGitServer, type GitServer } from '../../fakes/git-server';
import { failureOf } from '../../support/failure-of';

const MATH = Array.from({ length: 30 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
const FILES: Record<string, string> = {
  'README.md': '# app\n',
  'src/math.ts': MATH,
  'src/old.ts': 'export const old = true;\n',
  'lonely/only.txt': 'the only file here\n',
  'src/no-newline.txt': 'first\nlast line',
  'src/windows.txt': 'one\r\ntwo\r\nthree\r\n',
  'docs/with space.md': 'hello\n',
};

let server: GitServer;
let tmp: string;
let repoUrl: string;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'apply-test-'));
  repoUrl = await server.createBareRepo('apply', FILES);
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
async function freshClone(url = repoUrl): Promise<string> {
  n += 1;
  const { dir } = await cloneRepository({
    repoUrl: url,
    branch: 'main',
    cacheDir: path.join(tmp, `cache-${n}`),
    workDir: path.join(tmp, `work-${n}`),
  });
  return dir;
}

const read = (dir: string, file: string) => readFile(path.join(dir, file), 'utf8').catch(() => undefined);

/** A clone with edits, additions, deletions, an exec bit and end-of-file newline changes. */
async function editedClone(url = repoUrl): Promise<{ dir: string; diff: string; files: string[] }> {
  const dir = await freshClone(url);
  await writeFile(
    path.join(dir, 'src/math.ts'),
    MATH.replace('v3 = 3;', 'v3 = 33;').replace('v27 = 27;', 'v27 = -27;'),
  );
  await rm(path.join(dir, 'src/old.ts'));
  await rm(path.join(dir, 'lonely/only.txt'));
  await mkdir(path.join(dir, 'src/new/deep'), { recursive: true });
  await writeFile(path.join(dir, 'src/new/deep/added.ts'), 'export const added = 1;\n');
  await writeFile(path.join(dir, 'src/no-newline.txt'), 'first\nlast line, changed');
  await writeFile(path.join(dir, 'src/windows.txt'), 'one\r\nTWO\r\nthree\r\n');
  await writeFile(path.join(dir, 'docs/with space.md'), 'hello\nworld');
  await writeFile(path.join(dir, 'empty.txt'), '');
  await writeFile(path.join(dir, 'tool.sh'), '#!/bin/sh\n');
  await chmod(path.join(dir, 'tool.sh'), 0o755);
  return { dir, ...(await workingTreeDiff(dir)) };
}

describe('applyUnifiedDiff', () => {
  it('reproduces the edited tree on a fresh clone from the diff of workingTreeDiff', async () => {
    const edited = await editedClone();
    expect(edited.files).toHaveLength(9);
    const target = await freshClone();

    const { files } = await applyUnifiedDiff(target, edited.diff);

    expect(files).toEqual(edited.files);
    for (const file of [...edited.files, 'README.md'])
      expect(await read(target, file), file).toBe(await read(edited.dir, file));
    expect(await read(target, 'src/old.ts')).toBeUndefined();
    await expect(stat(path.join(target, 'lonely'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(path.join(target, 'tool.sh'))).mode & 0o111).not.toBe(0);
    // The patched tree differs from HEAD exactly as the edited one does.
    expect(await workingTreeDiff(target)).toEqual({ diff: edited.diff, files: edited.files });
  });

  it('with reverse, takes the edited tree back to the original', async () => {
    const edited = await editedClone();
    const { files } = await applyUnifiedDiff(edited.dir, edited.diff, { reverse: true });
    expect(files).toEqual(edited.files);
    expect(await workingTreeDiff(edited.dir)).toEqual({ diff: '', files: [] });
    for (const [file, content] of Object.entries(FILES)) expect(await read(edited.dir, file), file).toBe(content);
    expect(await read(edited.dir, 'tool.sh')).toBeUndefined();
  });

  it('reverses a mode change', async () => {
    const dir = await freshClone();
    await writeFile(path.join(dir, 'README.md'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'README.md'), 0o755);
    const { diff } = await workingTreeDiff(dir);
    expect(diff).toContain('old mode 100644\nnew mode 100755\n');
    await applyUnifiedDiff(dir, diff, { reverse: true });
    expect((await stat(path.join(dir, 'README.md'))).mode & 0o111).toBe(0);
    expect(await read(dir, 'README.md')).toBe(FILES['README.md']);
    expect(await workingTreeDiff(dir)).toEqual({ diff: '', files: [] });
  });

  it('applies hunks whose lines moved, as git apply does', async () => {
    const edited = await editedClone();
    const target = await freshClone();
    await writeFile(path.join(target, 'src/math.ts'), `// header\n// more\n${MATH}`);
    await applyUnifiedDiff(target, edited.diff);
    expect(await read(target, 'src/math.ts')).toBe(`// header\n// more\n${await read(edited.dir, 'src/math.ts')}`);
  });

  it('fails with PatchDoesNotApply naming the file and hunk for a stale diff, and changes nothing', async () => {
    const staleUrl = await server.createBareRepo('stale', FILES);
    const edited = await editedClone(staleUrl);
    // Someone else changed the second hunk's lines on main in the meantime.
    await server.commitToRepo('stale', { 'src/math.ts': MATH.replace('v28 = 28;', 'v28 = 280;') });
    const target = await freshClone(staleUrl);

    const err = await failureOf(applyUnifiedDiff(target, edited.diff));
    expect(err).toMatchObject({ type: 'PatchDoesNotApply', nonRetryable: true });
    expect(err.message).toContain('src/math.ts');
    expect(err.message).toContain('hunk 2 of 2');
    expect(err.details).toEqual([{ file: 'src/math.ts', hunk: 2 }]);
    // Files that come before math.ts in the diff were left alone too.
    expect(await workingTreeDiff(target)).toEqual({ diff: '', files: [] });
  });

  it('fails when the last line no longer matches its end-of-file newline state', async () => {
    const edited = await editedClone();
    const target = await freshClone();
    await writeFile(path.join(target, 'src/no-newline.txt'), 'first\nlast line\n');
    const err = await failureOf(applyUnifiedDiff(target, edited.diff));
    expect(err).toMatchObject({ type: 'PatchDoesNotApply', details: [{ file: 'src/no-newline.txt', hunk: 1 }] });
  });

  it('fails to create a file that exists, or to patch or delete one that does not', async () => {
    const edited = await editedClone();
    const target = await freshClone();
    await mkdir(path.join(target, 'src/new/deep'), { recursive: true });
    await writeFile(path.join(target, 'src/new/deep/added.ts'), 'already here\n');
    expect(await failureOf(applyUnifiedDiff(target, edited.diff))).toMatchObject({
      type: 'PatchDoesNotApply',
      message: expect.stringContaining('src/new/deep/added.ts: the file to create already exists'),
    });

    const again = await failureOf(applyUnifiedDiff(edited.dir, edited.diff));
    expect(again.type).toBe('PatchDoesNotApply');
  });

  it('refuses paths outside the working tree or inside .git', async () => {
    const dir = await freshClone();
    const escape =
      'diff --git a/../escape.txt b/../escape.txt\nnew file mode 100644\n--- /dev/null\n+++ b/../escape.txt\n@@ -0,0 +1 @@\n+x\n';
    expect(await failureOf(applyUnifiedDiff(dir, escape))).toMatchObject({ type: 'PatchDoesNotApply' });
    expect(await read(path.dirname(dir), 'escape.txt')).toBeUndefined();
    const hook = escape.replaceAll('../escape.txt', '.git/hooks/post-checkout');
    expect(await failureOf(applyUnifiedDiff(dir, hook))).toMatchObject({ type: 'PatchDoesNotApply' });
    // Nor through a symlinked directory in the tree.
    const outside = await mkdtemp(path.join(tmp, 'outside-'));
    await symlink(outside, path.join(dir, 'link'));
    const viaLink = escape.replaceAll('../escape.txt', 'link/sub/escape.txt');
    expect(await failureOf(applyUnifiedDiff(dir, viaLink))).toMatchObject({
      type: 'PatchDoesNotApply',
      message: expect.stringContaining('outside'),
    });
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses binary changes, which carry no content', async () => {
    const dir = await freshClone();
    await writeFile(path.join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
    const { diff } = await workingTreeDiff(dir);
    const target = await freshClone();
    expect(await failureOf(applyUnifiedDiff(target, diff))).toMatchObject({
      type: 'PatchDoesNotApply',
      message: expect.stringContaining('logo.png'),
    });
  });

  it('does nothing for an empty diff', async () => {
    const dir = await freshClone();
    expect(await applyUnifiedDiff(dir, '')).toEqual({ files: [] });
  });
});
