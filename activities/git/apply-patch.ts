import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { applyPatch, parsePatch, reversePatch, type StructuredPatch } from 'diff';
import { GitFailureType } from '../../workflows/domain/failures';

/** A file's content and git mode; `null` in a plan means the file is deleted. */
interface FileState {
  text: string;
  mode: string;
}

const SYMLINK = '120000';
const EXECUTABLE = '100755';
const REGULAR = '100644';

/**
 * Applies a git-style multi-file unified diff (as `workingTreeDiff` writes it)
 * to the working tree `dir`, or its inverse with `reverse`. Hunks must match
 * exactly (they may sit at other line numbers, as with `git apply`). Every file
 * is patched in memory first, so a diff that does not apply leaves the tree as
 * it was. Returns the paths it created, changed or deleted.
 */
export async function applyUnifiedDiff(
  dir: string,
  diff: string,
  opts: { reverse?: boolean } = {},
): Promise<{ files: string[] }> {
  let patches: StructuredPatch[];
  try {
    patches = parsePatch(diff);
  } catch (err) {
    throw doesNotApply(`Cannot parse the diff: ${(err as Error).message}`, {});
  }
  for (const p of patches) {
    if (p.oldFileName === undefined && p.newFileName === undefined && p.hunks.length > 0) {
      throw doesNotApply('The diff has a hunk without file names', {});
    }
  }
  patches = patches.filter((p) => p.oldFileName !== undefined || p.newFileName !== undefined);
  if (opts.reverse) patches = reversePatch(patches);

  // The planned state of every touched path; later patches see earlier ones' results.
  const plan = new Map<string, FileState | null>();
  const current = async (file: string) => (plan.has(file) ? plan.get(file) : readState(dir, file));

  for (const p of patches) {
    const oldPath = p.isCreate ? undefined : fileName(p.oldFileName, 'a/');
    const newPath = p.isDelete ? undefined : fileName(p.newFileName, 'b/');
    const file = newPath ?? oldPath;
    if (!file) throw doesNotApply('The diff has a file with neither an old nor a new name', {});
    if (p.isBinary) throw doesNotApply(`${file}: binary changes carry no content and cannot be applied`, { file });

    let before: FileState | undefined;
    if (oldPath) {
      before = (await current(oldPath)) ?? undefined;
      if (!before) throw doesNotApply(`${oldPath}: the file to patch does not exist`, { file: oldPath });
    } else if (newPath && (await current(newPath))) {
      throw doesNotApply(`${newPath}: the file to create already exists`, { file: newPath });
    }

    const text = applyHunks(before?.text ?? '', p, file);
    if (!newPath) {
      if (text !== '') throw doesNotApply(`${file}: the deletion does not remove the whole file`, { file });
      plan.set(file, null);
      continue;
    }
    plan.set(newPath, { text, mode: p.newMode ?? before?.mode ?? REGULAR });
    if (oldPath && oldPath !== newPath && !p.isCopy) plan.set(oldPath, null);
  }

  for (const [file, state] of plan) await writeState(dir, file, state);
  return { files: [...plan.keys()].sort() };
}

/** Applies the hunks with no fuzz; on failure, finds the first hunk that does not fit, for the message. */
function applyHunks(source: string, p: StructuredPatch, file: string): string {
  const strict = { fuzzFactor: 0, autoConvertLineEndings: false };
  const result = applyPatch(source, p, strict);
  if (result !== false) return result;
  let hunk = p.hunks.length;
  for (let k = 1; k < p.hunks.length; k += 1) {
    if (applyPatch(source, { ...p, hunks: p.hunks.slice(0, k) }, strict) === false) {
      hunk = k;
      break;
    }
  }
  const h = p.hunks[hunk - 1];
  const header = h ? ` (@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@)` : '';
  throw doesNotApply(`${file}: hunk ${hunk} of ${p.hunks.length}${header} does not apply`, { file, hunk });
}

/** The repository-relative path a diff names, refusing anything that could leave the tree or touch `.git`. */
function fileName(name: string | undefined, prefix: string): string | undefined {
  if (name === undefined || name === '/dev/null') return undefined;
  const rel = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const parts = rel.split('/');
  if (rel.startsWith('/') || parts.some((s) => s === '' || s === '.' || s === '..' || s.toLowerCase() === '.git')) {
    throw doesNotApply(`Refusing to patch the path ${JSON.stringify(name)}`, { file: name });
  }
  return rel;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readState(dir: string, file: string): Promise<FileState | undefined> {
  const full = await insideTree(dir, file);
  try {
    const stat = await fs.promises.lstat(full);
    if (stat.isSymbolicLink()) return { text: await fs.promises.readlink(full), mode: SYMLINK };
    if (!stat.isFile()) return undefined;
    const data = await fs.promises.readFile(full);
    let text: string;
    try {
      text = utf8.decode(data);
    } catch {
      throw doesNotApply(`${file}: not UTF-8 text, a text diff cannot patch it`, { file });
    }
    return { text, mode: stat.mode & 0o111 ? EXECUTABLE : REGULAR };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

async function writeState(dir: string, file: string, state: FileState | null): Promise<void> {
  const full = await insideTree(dir, file);
  await fs.promises.rm(full, { force: true });
  if (!state) {
    await removeEmptyParents(dir, path.dirname(full));
    return;
  }
  await fs.promises.mkdir(path.dirname(full), { recursive: true });
  if (state.mode === SYMLINK) {
    await fs.promises.symlink(state.text, full);
    return;
  }
  await fs.promises.writeFile(full, state.text);
  await fs.promises.chmod(full, state.mode === EXECUTABLE ? 0o755 : 0o644);
}

/** Like `git apply`, drops directories a deletion left empty. */
async function removeEmptyParents(dir: string, from: string): Promise<void> {
  const root = await fs.promises.realpath(dir);
  for (let d = from; d.startsWith(root + path.sep); d = path.dirname(d)) {
    try {
      await fs.promises.rmdir(d);
    } catch {
      return; // not empty, or already gone
    }
  }
}

/** The absolute path of `file`, after checking that no symlinked directory leads it out of the tree. */
async function insideTree(dir: string, file: string): Promise<string> {
  const root = await fs.promises.realpath(dir);
  const full = path.join(root, ...file.split('/'));
  let existing = path.dirname(full);
  for (;;) {
    try {
      const real = await fs.promises.realpath(existing);
      if (real !== root && !real.startsWith(root + path.sep)) {
        throw doesNotApply(`${file}: its directory leads outside the working tree`, { file });
      }
      return full;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      existing = path.dirname(existing); // not created yet: check the nearest existing ancestor
    }
  }
}

function doesNotApply(message: string, details: { file?: string; hunk?: number }): ApplicationFailure {
  return ApplicationFailure.create({
    type: GitFailureType.PatchDoesNotApply,
    message,
    nonRetryable: true,
    details: [details],
  });
}
