/**
 * The clone path on a large repository: a generated 12,000-file, ~66 MB repository (deterministic
 * content, built once with `git fast-import` and kept under .data/bench/) served over smart HTTP by
 * the git server fake (`git http-backend` on loopback). Measures, each in a child process of its
 * own so time and peak RSS are one clone's:
 *   - cold: `cloneRepository` with no store (a depth-1 fetch into a new store, then the checkout);
 *   - warm: one new commit pushed to the server first, then `cloneRepository` with the store;
 *   - the run's commit lookup (`fetchBranch`) warm, which is all the workflow's first step does;
 *   - `fetchBranch` cold (the isomorphic-git fetch alone), to tell the fetch from the checkout;
 *   - the baseline: the git CLI's `clone --depth 1` of the same repository.
 * Run directly: `npx tsx test/bench/clone-bench.ts [--files 12000] [--runs 3]`. Figures are
 * medians over the runs; peak RSS is the largest over them.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startGitServer } from '../fakes/git-server';
import type { Row } from './figure';

const exec = promisify(execFile);
const here = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(here), '../..');

/** What one child process measured. */
interface ChildResult {
  ms: number;
  maxRssMB: number;
  commit: string;
  fromCache: boolean;
}

const FIXED_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
};

export async function runCloneBench(opts: { files?: number; runs?: number } = {}): Promise<Row[]> {
  const files = opts.files ?? 12_000;
  const runs = opts.runs ?? 3;
  const source = await benchRepository(files);
  const server = await startGitServer();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'clone-bench-'));
  try {
    const bare = server.repoPath('bench');
    await exec('git', ['clone', '-q', '--bare', source, bare], { env: { ...process.env, ...FIXED_ENV } });
    const repoUrl = `${server.url}/bench.git`;
    let n = 0;
    const fresh = (name: string) => path.join(tmp, `${name}-${(n += 1)}`);

    const cli: Array<{ ms: number; maxRssMB?: number }> = [];
    const cold: ChildResult[] = [];
    const warm: ChildResult[] = [];
    const lookup: ChildResult[] = [];
    const fetchCold: ChildResult[] = [];
    for (let i = 0; i < runs; i += 1) {
      const cliDir = fresh('cli');
      cli.push(await gitCliClone(repoUrl, cliDir));
      await rm(cliDir, { recursive: true, force: true });

      const cacheDir = fresh('cache');
      cold.push(await child('clone', { repoUrl, cacheDir, workDir: fresh('cold') }));
      await commitOnServer(bare, i);
      warm.push(await child('clone', { repoUrl, cacheDir, workDir: fresh('warm') }));
      await commitOnServer(bare, i + 1000);
      lookup.push(await child('fetch', { repoUrl, cacheDir }));
      fetchCold.push(await child('fetch', { repoUrl, cacheDir: fresh('cache') }));
      if (cold.at(-1)!.fromCache || !warm.at(-1)!.fromCache)
        throw new Error('Bench runs did not use the store as meant');
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
    }
    const idle = await child('idle', {});

    const cliMs = median(cli.map((r) => r.ms));
    const cliRss = Math.max(...cli.map((r) => r.maxRssMB ?? NaN));
    const coldMs = median(cold.map((r) => r.ms));
    const warmMs = median(warm.map((r) => r.ms));
    const lookupMs = median(lookup.map((r) => r.ms));
    const fetchMs = median(fetchCold.map((r) => r.ms));
    const fetchRss = Math.max(...fetchCold.map((r) => r.maxRssMB));
    const coldRss = Math.max(...cold.map((r) => r.maxRssMB));
    const warmRss = Math.max(...warm.map((r) => r.maxRssMB));
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const mb = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} MB` : 'n/a');
    const pct = (a: number, b: number) => `${Math.round((100 * a) / b)} %`;
    return [
      {
        figure: `clone cold (${files} files)`,
        value: `${s(coldMs)} (${(coldMs / cliMs).toFixed(2)}×; fetch alone ${s(fetchMs)}, so checkout ≈ ${s(coldMs - fetchMs)})`,
        baseline: `git clone --depth 1: ${s(cliMs)}`,
        goal: '≤ 1.5× git CLI',
        met: coldMs <= 1.5 * cliMs,
      },
      {
        figure: 'clone warm (store present, one new commit)',
        value: `${s(warmMs)} (${pct(warmMs, coldMs)} of cold)`,
        baseline: `cold: ${s(coldMs)}`,
        goal: '≤ 10 % of cold',
        met: warmMs <= 0.1 * coldMs,
      },
      {
        figure: "run's commit lookup warm (fetch only)",
        value: `${s(lookupMs)} (${pct(lookupMs, coldMs)} of cold)`,
        baseline: `cold: ${s(coldMs)}`,
        goal: '≤ 10 % of cold',
        met: lookupMs <= 0.1 * coldMs,
      },
      {
        figure: 'peak RSS, cold clone',
        value: `${mb(coldRss)} (fetch alone: ${mb(fetchRss)}; an idle child: ${mb(idle.maxRssMB)})`,
        baseline: `git CLI: ${mb(cliRss)}`,
        goal: '≤ 200 MB',
        met: coldRss <= 200,
      },
      {
        figure: 'peak RSS, warm clone',
        value: mb(warmRss),
        baseline: `git CLI: ${mb(cliRss)}`,
        goal: '≤ 200 MB',
        met: warmRss <= 200,
      },
    ];
  } finally {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The git CLI's shallow clone; its peak RSS through /usr/bin/time when the machine has it. */
async function gitCliClone(repoUrl: string, dir: string): Promise<{ ms: number; maxRssMB?: number }> {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const args = ['clone', '-q', '--depth', '1', '--single-branch', '--branch', 'main', repoUrl, dir];
  const started = performance.now();
  const { stderr } = timeBin
    ? await exec(timeBin, ['-f', 'maxrss=%M', 'git', ...args], { env: { ...process.env, ...FIXED_ENV } })
    : await exec('git', args, { env: { ...process.env, ...FIXED_ENV } });
  const ms = performance.now() - started;
  const kb = /maxrss=(\d+)/.exec(stderr)?.[1];
  return { ms, ...(kb ? { maxRssMB: Number(kb) / 1024 } : {}) };
}

/** One new commit on main in the server's bare repository (git plumbing, fixed dates: reproducible). */
async function commitOnServer(bare: string, i: number): Promise<void> {
  const indexFile = path.join(bare, `bench-index-${i}`);
  const date = `${1_704_067_200 + (i + 1) * 60} +0000`;
  const env = {
    ...process.env,
    ...FIXED_ENV,
    GIT_INDEX_FILE: indexFile,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const git = async (args: string[], input?: string) => {
    const p = execFile('git', ['--git-dir', bare, ...args], { env });
    if (input !== undefined) p.stdin!.end(input);
    const out = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve(stdout.trim()) : reject(new Error(`git ${args[0]} failed`))));
    });
    return out;
  };
  await git(['read-tree', 'main']);
  const blob = await git(['hash-object', '-w', '--stdin'], `export const change = ${i};\n`);
  await git(['update-index', '--add', '--cacheinfo', `100644,${blob},src/changes/change-${i}.ts`]);
  const tree = await git(['write-tree']);
  const commit = await git(['commit-tree', tree, '-p', 'main', '-m', `Change ${i}`]);
  await git(['update-ref', 'refs/heads/main', commit]);
  await rm(indexFile, { force: true });
}

/** Runs one measurement in a child process of its own (`--child`), so its peak RSS is its own. */
async function child(kind: 'clone' | 'fetch' | 'idle', args: Record<string, string>): Promise<ChildResult> {
  const p = spawn(process.execPath, ['--import', 'tsx', here, '--child', JSON.stringify({ kind, ...args })], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`Bench child ${kind} failed (exit ${code}): ${out}`);
  return JSON.parse(line) as ChildResult;
}

async function childMain(spec: { kind: string; repoUrl?: string; cacheDir?: string; workDir?: string }) {
  const { cloneRepository, fetchBranch } = await import('../../activities/git/clone-repository');
  const started = performance.now();
  let result: { commit: string; fromCache: boolean } = { commit: '', fromCache: false };
  if (spec.kind === 'clone') {
    result = await cloneRepository({
      repoUrl: spec.repoUrl!,
      branch: 'main',
      cacheDir: spec.cacheDir!,
      workDir: spec.workDir!,
    });
  } else if (spec.kind === 'fetch') {
    result = await fetchBranch({ repoUrl: spec.repoUrl!, branch: 'main', cacheDir: spec.cacheDir! });
  }
  const ms = performance.now() - started;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, maxRssMB, commit: result.commit, fromCache: result.fromCache })}\n`);
}

/**
 * The bench repository, built once per size and kept under .data/bench/: `files` files of
 * source-like text (about 5.5 kB each, from a seeded generator, so the same bytes every time),
 * 60 directories of 10 subdirectories, in one commit at a fixed date.
 */
export async function benchRepository(files: number): Promise<string> {
  const dir = path.join(repoRoot, '.data', 'bench', `clone-${files}-v1.git`);
  if (existsSync(path.join(dir, 'refs', 'heads', 'main')) || existsSync(path.join(dir, 'packed-refs'))) return dir;
  await mkdir(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  const env = { ...process.env, ...FIXED_ENV };
  await exec('git', ['init', '-q', '--bare', tmp], { env });
  await exec('git', ['--git-dir', tmp, 'symbolic-ref', 'HEAD', 'refs/heads/main'], { env });
  const p = spawn('git', ['--git-dir', tmp, 'fast-import', '--quiet'], { env, stdio: ['pipe', 'ignore', 'inherit'] });
  const closed = new Promise<number | null>((resolve) => p.on('close', resolve));
  const write = (chunk: string | Buffer) =>
    p.stdin.write(chunk) ? Promise.resolve() : new Promise<void>((r) => p.stdin.once('drain', () => r()));

  let seed = 12_345;
  const rnd = () => {
    // mulberry32: small, fast, and good enough that the content compresses like source code.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const words =
    'const let return function value result index await async import export from string number if else for of new this user order price total count error message config request response'.split(
      ' ',
    );
  const paths: string[] = [];
  for (let i = 0; i < files; i += 1) {
    const target = 2_000 + (rnd() % 7_000);
    let text = '';
    while (text.length < target) {
      let line = '  '.repeat(rnd() % 4);
      for (let k = 3 + (rnd() % 8); k > 0; k -= 1) {
        line += `${words[rnd() % words.length]}${rnd() % 5 === 0 ? `_${(rnd() % 1000).toString(36)}` : ''} `;
      }
      text += `${line};\n`;
    }
    const buf = Buffer.from(text);
    await write(`blob\nmark :${i + 1}\ndata ${buf.length}\n`);
    await write(buf);
    await write('\n');
    paths.push(`src/m${String(i % 60).padStart(2, '0')}/s${Math.floor(i / 60) % 10}/f${i}.ts`);
  }
  await write('commit refs/heads/main\ncommitter Bench <bench@example.test> 1704067200 +0000\ndata 7\ninitial\n');
  for (let i = 0; i < paths.length; i += 1) await write(`M 100644 :${i + 1} ${paths[i]}\n`);
  p.stdin.end('\n');
  if ((await closed) !== 0) throw new Error('git fast-import failed');
  await exec('git', ['--git-dir', tmp, 'repack', '-adq'], { env });
  await rename(tmp, dir);
  return dir;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === '--child') {
  await childMain(JSON.parse(process.argv[3]!) as { kind: string });
} else if (isMain) {
  const { values } = parseArgs({
    options: { files: { type: 'string', default: '12000' }, runs: { type: 'string', default: '3' } },
  });
  const figures = await runCloneBench({ files: Number(values.files), runs: Number(values.runs) });
  const rows = [
    ['figure', 'value', 'baseline', 'goal', 'met'],
    ...figures.map((f) => [f.figure, String(f.value), String(f.baseline), f.goal, f.met ? 'yes' : 'no']),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
  await writeFile(path.join(repoRoot, '.data', 'bench', 'clone-bench.json'), `${JSON.stringify(figures, null, 2)}\n`);
}
