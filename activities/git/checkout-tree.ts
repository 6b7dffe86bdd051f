import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { ExternalBaseError, PackReader } from './pack-reader';

interface Entry {
  path: string;
  oid: string;
  mode: string;
}

/** How much is written between two yields to the event loop (heartbeats, other activities' I/O). */
const YIELD_EVERY_BYTES = 2 << 20;

/**
 * Writes the tree of `commit` (read from `gitdir`) into the empty directory `dir`, and an index
 * of it into `gitdir`, as `git checkout` would. isomorphic-git's checkout inflates every object
 * with a JavaScript zlib, resolves delta chains again for each one and starts all writes at
 * once: on a 12,000-file tree it took several times as long and twice the memory. Here objects
 * come from `PackReader` in pack order (loose ones from isomorphic-git) and each is written as
 * it comes, synchronously: for thousands of small files one open/write/fstat/close on this
 * thread costs far less than the same four hops through the thread pool (strace: 265,000 futex
 * calls for 12,000 files). The event loop gets a turn every couple of megabytes.
 */
export async function checkoutTree(opts: { gitdir: string; dir: string; commit: string }): Promise<void> {
  const { gitdir, dir } = opts;
  const reader = await PackReader.open(path.join(gitdir, 'objects'));
  const { commit } = await git.readCommit({ fs, gitdir, oid: opts.commit });

  // The tree, one level at a time, so each level's trees are read in one pass over the pack.
  const files: Entry[] = [];
  const dirs: string[] = [];
  let level = new Map<string, string[]>([[commit.tree, ['']]]);
  while (level.size) {
    const next = new Map<string, string[]>();
    await readObjects(reader, gitdir, level.keys(), (oid, content) => {
      for (const prefix of level.get(oid)!) {
        for (const e of parseTree(content, oid)) {
          const p = prefix ? `${prefix}/${e.name}` : e.name;
          if (e.mode === '40000') {
            dirs.push(p);
            const list = next.get(e.oid);
            if (list) list.push(p);
            else next.set(e.oid, [p]);
          } else if (e.mode === '160000') {
            dirs.push(p); // a submodule: an empty directory, as git leaves it
          } else {
            files.push({ path: p, oid: e.oid, mode: e.mode });
          }
        }
      }
    });
    level = next;
  }

  await fs.promises.mkdir(dir, { recursive: true });
  // Sorted: parents before children.
  for (const d of dirs.sort()) await fs.promises.mkdir(path.join(dir, d));

  const byOid = new Map<string, Entry[]>();
  for (const f of files) {
    const list = byOid.get(f.oid);
    if (list) list.push(f);
    else byOid.set(f.oid, [f]);
  }
  const stats = new Map<string, fs.Stats>();
  let sinceYield = 0;
  await readObjects(reader, gitdir, byOid.keys(), async (oid, content) => {
    for (const e of byOid.get(oid)!) {
      stats.set(e.path, writeEntry(dir, e, content));
      sinceYield += content.length + 512;
    }
    if (sinceYield >= YIELD_EVERY_BYTES) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  if (stats.size !== files.length) throw new Error(`Checkout wrote ${stats.size} of ${files.length} files`);

  await fs.promises.writeFile(path.join(gitdir, 'index'), indexFile(files, stats));
}

/** Every object of `oids`, from the packs when possible, else (loose objects, thin packs) from isomorphic-git. */
async function readObjects(
  reader: PackReader,
  gitdir: string,
  oids: Iterable<string>,
  onObject: (oid: string, content: Buffer) => Promise<void> | void,
): Promise<void> {
  const wanted = new Set(oids);
  const done = new Set<string>();
  let missing: string[];
  try {
    missing = await reader.forEach(wanted, async (oid, _type, content) => {
      done.add(oid);
      await onObject(oid, content);
    });
  } catch (err) {
    if (!(err instanceof ExternalBaseError)) throw err;
    missing = [...wanted].filter((oid) => !done.has(oid));
  }
  const cache = {};
  for (const oid of missing) {
    const { object } = await git.readObject({ fs, gitdir, oid, cache, format: 'content' });
    await onObject(oid, Buffer.from(object as Uint8Array));
  }
}

/**
 * A tree object's entries. Names git itself would refuse to check out (`.`, `..`, `.git` in any
 * case or with trailing dots or spaces, its 8.3 alias, anything with a slash or a NUL) throw:
 * they could write outside the working tree or into the repository's own files.
 */
export function parseTree(content: Buffer, oid: string): Array<{ mode: string; name: string; oid: string }> {
  const entries: Array<{ mode: string; name: string; oid: string }> = [];
  let p = 0;
  while (p < content.length) {
    const space = content.indexOf(0x20, p);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error(`Malformed tree ${oid}`);
    const mode = content.toString('latin1', p, space).replace(/^0+/, '');
    const name = content.toString('utf8', space + 1, nul);
    const normalized = name.toLowerCase().replace(/[. ]+$/, '');
    if (
      !/^(40000|100644|100755|120000|160000)$/.test(mode) ||
      name === '' ||
      name === '.' ||
      name === '..' ||
      /[/\\]/.test(name) ||
      normalized === '.git' ||
      /^git~[1-9]$/.test(normalized)
    ) {
      throw new Error(`Refusing tree ${oid}: entry ${JSON.stringify(name)} (mode ${mode})`);
    }
    entries.push({ mode, name, oid: content.toString('hex', nul + 1, nul + 21) });
    p = nul + 21;
  }
  return entries;
}

function writeEntry(dir: string, e: Entry, content: Buffer): fs.Stats {
  const full = path.join(dir, ...e.path.split('/'));
  if (e.mode === '120000') {
    fs.symlinkSync(content.toString('utf8'), full);
    return fs.lstatSync(full);
  }
  // 'wx': never follow or overwrite anything already there.
  const fd = fs.openSync(full, 'wx', e.mode === '100755' ? 0o755 : 0o644);
  try {
    fs.writeSync(fd, content);
    return fs.fstatSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function secondsNanoseconds(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.floor((ms - seconds * 1000) * 1_000_000)];
}

/**
 * A git index (version 2) of the checked-out files with their stat data, so status and diff
 * compare stats instead of hashing every file, and `git.commit` sees the whole tree.
 */
function indexFile(files: Entry[], stats: Map<string, fs.Stats>): Buffer {
  // git sorts index entries by the bytes of their paths.
  const sorted = files.map((f) => ({ ...f, name: Buffer.from(f.path) })).sort((a, b) => Buffer.compare(a.name, b.name));
  const parts: Buffer[] = [];
  const head = Buffer.alloc(12);
  head.write('DIRC', 0);
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(sorted.length, 8);
  parts.push(head);
  const u32 = (n: number) => n % 2 ** 32;
  for (const f of sorted) {
    const st = stats.get(f.path)!;
    const entry = Buffer.alloc(Math.ceil((62 + f.name.length + 1) / 8) * 8);
    // Seconds and nanoseconds exactly as isomorphic-git derives them from a Stats, so its status sees no change.
    const [cs, cns] = secondsNanoseconds(st.ctimeMs);
    const [ms, mns] = secondsNanoseconds(st.mtimeMs);
    entry.writeUInt32BE(u32(cs), 0);
    entry.writeUInt32BE(u32(cns), 4);
    entry.writeUInt32BE(u32(ms), 8);
    entry.writeUInt32BE(u32(mns), 12);
    entry.writeUInt32BE(u32(st.dev), 16);
    entry.writeUInt32BE(u32(st.ino), 20);
    entry.writeUInt32BE(parseInt(f.mode, 8), 24);
    entry.writeUInt32BE(u32(st.uid), 28);
    entry.writeUInt32BE(u32(st.gid), 32);
    entry.writeUInt32BE(u32(st.size), 36);
    entry.write(f.oid, 40, 'hex');
    entry.writeUInt16BE(Math.min(f.name.length, 0xfff), 60);
    f.name.copy(entry, 62);
    parts.push(entry);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}
