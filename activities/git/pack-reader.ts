import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Reads objects straight from a repository's packfiles with Node's native zlib and SHA-1.
 * isomorphic-git inflates every object with a JavaScript zlib and resolves delta chains
 * again for each object, which made a 12,000-file checkout take seconds; this reader
 * inflates each object once, in pack order, keeping a delta base only until its last
 * dependent is resolved. Objects it cannot find (loose ones) are left to the caller.
 */

const COMMIT = 1;
const TREE = 2;
const BLOB = 3;
const TAG = 4;
const OFS_DELTA = 6;
const REF_DELTA = 7;
const TYPE_NAMES: Record<number, string> = { [COMMIT]: 'commit', [TREE]: 'tree', [BLOB]: 'blob', [TAG]: 'tag' };

interface Pack {
  file: string;
  /** Object offsets by oid (hex). */
  offsets: Map<string, number>;
  /** Every object's offset, ascending: an object's data ends where the next one starts. */
  sorted: number[];
  data?: Buffer;
}

interface Header {
  type: number;
  size: number;
  /** Where the compressed data starts. */
  dataStart: number;
  dataEnd: number;
  /** For deltas: the base's offset in the same pack, or its oid. */
  baseOffset?: number;
  baseOid?: string;
}

export class PackReader {
  private constructor(private readonly packs: Pack[]) {}

  /** Indexes every `.idx`/`.pack` pair under `objectsDir/pack`. */
  static async open(objectsDir: string): Promise<PackReader> {
    const dir = path.join(objectsDir, 'pack');
    const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
    const packs: Pack[] = [];
    for (const name of names.filter((n) => n.endsWith('.idx')).sort()) {
      const file = path.join(dir, name.replace(/\.idx$/, '.pack'));
      if (!fs.existsSync(file)) continue;
      const offsets = parseIndex(await fs.promises.readFile(path.join(dir, name)));
      packs.push({ file, offsets, sorted: [...offsets.values()].sort((a, b) => a - b) });
    }
    return new PackReader(packs);
  }

  has(oid: string): boolean {
    return this.packs.some((p) => p.offsets.has(oid));
  }

  /**
   * Calls `onObject` once for each of `oids` found in the packs (others are returned), in pack
   * order, awaiting it so the caller can bound how much content is in flight.
   */
  async forEach(
    oids: Iterable<string>,
    onObject: (oid: string, type: string, data: Buffer) => Promise<void> | void,
  ): Promise<string[]> {
    const missing: string[] = [];
    const wanted = new Map<Pack, Map<number, string>>();
    for (const oid of new Set(oids)) {
      const pack = this.packs.find((p) => p.offsets.has(oid));
      if (!pack) {
        missing.push(oid);
        continue;
      }
      let m = wanted.get(pack);
      if (!m) wanted.set(pack, (m = new Map()));
      m.set(pack.offsets.get(oid)!, oid);
    }
    for (const [pack, byOffset] of wanted) await this.forEachInPack(pack, byOffset, onObject);
    return missing;
  }

  private async forEachInPack(
    pack: Pack,
    byOffset: Map<number, string>,
    onObject: (oid: string, type: string, data: Buffer) => Promise<void> | void,
  ): Promise<void> {
    const data = (pack.data ??= await fs.promises.readFile(pack.file));
    const headers = new Map<number, Header>();
    const header = (offset: number): Header => {
      let h = headers.get(offset);
      if (!h) headers.set(offset, (h = readHeader(pack, data, offset)));
      return h;
    };
    // Every object a wanted one needs, and how many resolutions will ask for each base.
    const refs = new Map<number, number>();
    const needed = new Set<number>();
    for (const start of byOffset.keys()) {
      for (let offset: number | undefined = start; offset !== undefined && !needed.has(offset);) {
        needed.add(offset);
        const base = this.baseOffset(pack, header(offset));
        if (base !== undefined) refs.set(base, (refs.get(base) ?? 0) + 1);
        offset = base;
      }
    }
    const cache = new Map<number, { type: number; content: Buffer }>();
    const resolve = (offset: number): { type: number; content: Buffer } => {
      const cached = cache.get(offset);
      if (cached) return cached;
      const h = header(offset);
      const raw = zlib.inflateSync(data.subarray(h.dataStart, h.dataEnd));
      if (raw.length !== h.size) throw new Error(`Corrupt pack ${pack.file}: object at ${offset} has the wrong size`);
      let result: { type: number; content: Buffer };
      const base = this.baseOffset(pack, h);
      if (base === undefined) {
        result = { type: h.type, content: raw };
      } else {
        const b = resolve(base);
        result = { type: b.type, content: applyDelta(raw, b.content) };
        const left = (refs.get(base) ?? 1) - 1;
        refs.set(base, left);
        if (left <= 0) cache.delete(base);
      }
      if ((refs.get(offset) ?? 0) > 0) cache.set(offset, result);
      return result;
    };
    for (const offset of [...needed].sort((a, b) => a - b)) {
      const { type, content } = resolve(offset);
      const oid = byOffset.get(offset);
      if (oid === undefined) continue;
      const name = TYPE_NAMES[type] ?? 'unknown';
      const hash = createHash('sha1').update(`${name} ${content.length}\0`).update(content).digest('hex');
      if (hash !== oid) throw new Error(`Corrupt pack ${pack.file}: ${oid} hashes to ${hash}`);
      await onObject(oid, name, content);
    }
  }

  /** A delta's base in the same pack; a REF_DELTA whose base is elsewhere is not supported here. */
  private baseOffset(pack: Pack, h: Header): number | undefined {
    if (h.baseOffset !== undefined) return h.baseOffset;
    if (h.baseOid === undefined) return undefined;
    const offset = pack.offsets.get(h.baseOid);
    if (offset === undefined) throw new ExternalBaseError(h.baseOid);
    return offset;
  }
}

/** A REF_DELTA against an object in another pack or loose: the caller falls back to isomorphic-git. */
export class ExternalBaseError extends Error {
  constructor(readonly oid: string) {
    super(`Delta base ${oid} is outside the pack`);
  }
}

/** Pack index version 2: fan-out, names, CRCs, 31-bit offsets, then 64-bit offsets. */
function parseIndex(idx: Buffer): Map<string, number> {
  if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) throw new Error('Unsupported pack index');
  const count = idx.readUInt32BE(8 + 255 * 4);
  const names = 8 + 256 * 4;
  const small = names + count * 20 + count * 4;
  const large = small + count * 4;
  const offsets = new Map<string, number>();
  for (let i = 0; i < count; i += 1) {
    const oid = idx.toString('hex', names + i * 20, names + i * 20 + 20);
    const v = idx.readUInt32BE(small + i * 4);
    offsets.set(oid, v & 0x80000000 ? Number(idx.readBigUInt64BE(large + (v & 0x7fffffff) * 8)) : v);
  }
  return offsets;
}

function readHeader(pack: Pack, data: Buffer, offset: number): Header {
  let p = offset;
  let c = data[p++]!;
  const type = (c >> 4) & 7;
  let size = c & 15;
  let shift = 4;
  while (c & 0x80) {
    c = data[p++]!;
    size += (c & 0x7f) * 2 ** shift;
    shift += 7;
  }
  const h: Header = { type, size, dataStart: 0, dataEnd: nextOffset(pack, data, offset) };
  if (type === OFS_DELTA) {
    c = data[p++]!;
    let ofs = c & 0x7f;
    while (c & 0x80) {
      c = data[p++]!;
      ofs = (ofs + 1) * 128 + (c & 0x7f);
    }
    h.baseOffset = offset - ofs;
  } else if (type === REF_DELTA) {
    h.baseOid = data.toString('hex', p, p + 20);
    p += 20;
  } else if (!TYPE_NAMES[type]) {
    throw new Error(`Corrupt pack ${pack.file}: unknown object type ${type} at ${offset}`);
  }
  h.dataStart = p;
  return h;
}

function nextOffset(pack: Pack, data: Buffer, offset: number): number {
  const s = pack.sorted;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < s.length ? s[lo]! : data.length - 20;
}

/** git's delta format: source and target sizes, then copy-from-base and insert instructions. */
export function applyDelta(delta: Buffer, base: Buffer): Buffer {
  let p = 0;
  const varint = () => {
    let n = 0;
    let shift = 0;
    let c: number;
    do {
      c = delta[p++]!;
      n += (c & 0x7f) * 2 ** shift;
      shift += 7;
    } while (c & 0x80);
    return n;
  };
  if (varint() !== base.length) throw new Error('Delta does not match its base');
  const out = Buffer.allocUnsafe(varint());
  let o = 0;
  while (p < delta.length) {
    const op = delta[p++]!;
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      for (let i = 0; i < 4; i += 1) if (op & (1 << i)) off |= delta[p++]! << (8 * i);
      for (let i = 0; i < 3; i += 1) if (op & (0x10 << i)) len |= delta[p++]! << (8 * i);
      off >>>= 0;
      if (len === 0) len = 0x10000;
      o += base.copy(out, o, off, off + len);
    } else if (op > 0) {
      o += delta.copy(out, o, p, p + op);
      p += op;
    } else {
      throw new Error('Invalid delta instruction');
    }
  }
  if (o !== out.length) throw new Error('Delta produced the wrong size');
  return out;
}
