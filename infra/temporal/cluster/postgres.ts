/**
 * A PostgreSQL server of the cluster's own: its own data directory and port on loopback, started
 * from Debian's packages (installed when missing and we are root). PostgreSQL refuses to run as
 * root, so as root it runs as the `postgres` user the package creates.
 */
import { aptGetInstall } from '../../apt-get-install';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { log } from '../go-install';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** The newest /usr/lib/postgresql/<major>/bin, installing Debian's `postgresql` when there is none. */
export async function ensurePostgres(): Promise<string> {
  const find = () => {
    const root = '/usr/lib/postgresql';
    const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)) : [];
    const bin = majors
      .sort((a, b) => Number(b) - Number(a))
      .map((m) => path.join(root, m, 'bin'))
      .find((b) => existsSync(path.join(b, 'postgres')));
    return bin;
  };
  const found = find();
  if (found) return found;
  if (!asRoot)
    throw new Error(
      'PostgreSQL is not installed: install it (e.g. `sudo apt-get install -y postgresql`) and run again',
    );
  log('PostgreSQL not found: installing Debian package postgresql with apt-get');
  await aptGetInstall(['postgresql']);
  const installed = find();
  if (!installed) throw new Error('apt-get installed postgresql but no /usr/lib/postgresql/<major>/bin/postgres');
  return installed;
}

export interface Postgres {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Runs a PostgreSQL program, as `postgres` when we are root. */
function command(bin: string, program: string, args: string[]): [string, string[]] {
  const file = path.join(bin, program);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

/**
 * Starts PostgreSQL on `dataDir` (initialised on first use, trust auth on loopback only) and
 * creates the role Temporal connects as. Resolves once it accepts connections.
 */
export async function startPostgres(opts: {
  bin: string;
  dataDir: string;
  port: number;
  user: string;
  password: string;
  /** A test cluster trades durability across machine crashes for speed; a process kill loses nothing either way. */
  durable: boolean;
}): Promise<Postgres> {
  const { bin, dataDir, port } = opts;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    await chown(dataDir, uid, gid);
    await letOthersTraverse(path.dirname(dataDir));
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const [cmd, args] = command(bin, 'initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    await run(cmd, args, { maxBuffer: 16 << 20 });
    await writeFile(path.join(dataDir, 'cluster-initialised'), '');
  }
  const [cmd, args] = command(bin, 'postgres', [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dataDir}`,
    '-c',
    'max_connections=200',
    ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const psql = (sql: string) => {
    const [c, a] = command(bin, 'psql', ['-h', dataDir, '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1']);
    return run(c, [...a, '-c', sql]);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited with ${child.exitCode}:\n${output}`);
    try {
      await psql('select 1');
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`PostgreSQL did not accept connections within 60s: ${(err as Error).message}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // Idempotent: the role exists after the first start.
  await psql(
    `do $$ begin if not exists (select from pg_roles where rolname = '${opts.user}') then ` +
      `create role ${opts.user} login createdb password '${opts.password}'; end if; end $$`,
  );
  return {
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      // SIGINT is PostgreSQL's fast shutdown: sessions are cut, the data stays consistent.
      process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `postgres` must reach its data directory: a private parent of ours (a mkdtemp directory) gets o+x, nothing more. */
async function letOthersTraverse(dir: string): Promise<void> {
  for (let d = path.resolve(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const st = await stat(d);
    if (st.uid === process.getuid?.() && !(st.mode & 0o001)) await chmod(d, (st.mode & 0o7777) | 0o001);
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
