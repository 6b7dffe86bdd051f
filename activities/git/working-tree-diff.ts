import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';

/** What a file looks like on one side of the diff; absent when it does not exist there. */
interface Side {
  data: Uint8Array;
  mode: string;
}

/**
 * The working tree of `dir` against its HEAD commit, as a git-style unified
 * diff that `git apply` accepts on a clean checkout of that commit. Untracked
 * files count as added (ignored ones do not). Binary files get a
 * "Binary files ... differ" line only: the diff cannot carry their content.
 */
export async function workingTreeDiff(dir: string): Promise<{ diff: string; files: string[] }> {
  const cache = {};
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  const matrix = await git.statusMatrix({ fs, dir, ref: head, cache });
  // [path, HEAD (0 absent, 1 present), WORKDIR (0 absent, 1 same as HEAD, 2 different), STAGE]
  const changed = matrix
    .filter(([, headStatus, workdirStatus]) => workdirStatus !== 1 && !(headStatus === 0 && workdirStatus === 0))
    .map(([filepath]) => filepath)
    .sort();

  const treeModes = new Map<string, Map<string, string>>();
  const headMode = async (filepath: string): Promise<string> => {
    const parent = path.posix.dirname(filepath);
    let modes = treeModes.get(parent);
    if (!modes) {
      const { tree } = await git.readTree({
        fs,
        dir,
        oid: head,
        cache,
        ...(parent === '.' ? {} : { filepath: parent }),
      });
      modes = new Map(tree.map((e) => [e.path, e.mode]));
      treeModes.set(parent, modes);
    }
    return modes.get(path.posix.basename(filepath)) ?? '100644';
  };

  const patches: string[] = [];
  const files: string[] = [];
  for (const filepath of changed) {
    const before = await readHead(dir, head, filepath, cache, headMode);
    const after = await readWorkdir(dir, filepath);
    if (!before && !after) continue;
    if (before && after && before.mode === after.mode && Buffer.from(before.data).equals(after.data)) continue;
    files.push(filepath);
    patches.push(await filePatch(filepath, before, after));
  }
  return { diff: patches.join(''), files };
}

async function readHead(
  dir: string,
  head: string,
  filepath: string,
  cache: object,
  headMode: (filepath: string) => Promise<string>,
): Promise<Side | undefined> {
  try {
    const { blob } = await git.readBlob({ fs, dir, oid: head, filepath, cache });
    return { data: blob, mode: await headMode(filepath) };
  } catch (err) {
    if (err instanceof git.Errors.NotFoundError) return undefined;
    throw err;
  }
}

async function readWorkdir(dir: string, filepath: string): Promise<Side | undefined> {
  const full = path.join(dir, ...filepath.split('/'));
  try {
    const stat = await fs.promises.lstat(full);
    if (stat.isSymbolicLink())
      return { data: await fs.promises.readlink(full, { encoding: 'buffer' }), mode: '120000' };
    if (!stat.isFile()) return undefined;
    return { data: await fs.promises.readFile(full), mode: stat.mode & 0o111 ? '100755' : '100644' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw err;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** git's own test: a NUL byte in the first 8000 bytes. Invalid UTF-8 also cannot travel in a text patch. */
function asText(data: Uint8Array): string | undefined {
  if (data.subarray(0, 8000).includes(0)) return undefined;
  try {
    return utf8.decode(data);
  } catch {
    return undefined;
  }
}

async function filePatch(filepath: string, before: Side | undefined, after: Side | undefined): Promise<string> {
  const oldName = before ? `a/${filepath}` : '/dev/null';
  const newName = after ? `b/${filepath}` : '/dev/null';
  const sameMode = before?.mode === after?.mode;
  // jsdiff writes git's header (quoting, mode lines); git also needs the index line to parse
  // the patch, in git's order: after the mode lines, before the file names.
  const header = formatPatch({
    oldFileName: oldName,
    newFileName: newName,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [],
    isGit: true,
    isCreate: !before,
    isDelete: !after,
    ...(before && !sameMode ? { oldMode: before.mode } : {}),
    ...(after && !sameMode ? { newMode: after.mode } : {}),
  });
  const oldOid = before ? (await git.hashBlob({ object: before.data })).oid : NULL_OID;
  const newOid = after ? (await git.hashBlob({ object: after.data })).oid : NULL_OID;
  const index = `index ${oldOid.slice(0, 7)}..${newOid.slice(0, 7)}${before && after && sameMode ? ` ${after.mode}` : ''}\n`;

  const oldText = before ? asText(before.data) : '';
  const newText = after ? asText(after.data) : '';
  if (oldText === undefined || newText === undefined) {
    const names = formatPatch(
      { oldFileName: oldName, newFileName: newName, oldHeader: undefined, newHeader: undefined, hunks: [] },
      FILE_HEADERS_ONLY,
    );
    const [oldQuoted, newQuoted] = names.split('\n').map((line) => line.slice(4));
    return `${header}${index}Binary files ${oldQuoted} and ${newQuoted} differ\n`;
  }
  const patch = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, { context: 3 });
  return header + index + (patch.hunks.length ? formatPatch(patch, FILE_HEADERS_ONLY) : '');
}

const NULL_OID = '0'.repeat(40);
