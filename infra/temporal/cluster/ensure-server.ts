/**
 * Finds or builds the multi-service Temporal server and its SQL tool, the same server version the
 * pinned CLI embeds, idempotently: a cached build under .cache/temporal-server/<version>/ with the
 * PostgreSQL schema copied from the server's Go module beside it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../platform/config/read-config';
import { goBinary, goInstall, log } from '../go-install';

const run = promisify(execFile);

/** The server inside the pinned CLI (`temporal --version` says "Server 1.29.1"); the cluster runs the same. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

export interface TemporalServerBuild {
  version: string;
  /** `temporal-server --root DIR --env development start --service NAME` */
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server module: `temporal/versioned`, `visibility/versioned`. */
  postgresSchema: string;
}

export async function ensureTemporalServer(
  version = TEMPORAL_SERVER_VERSION,
  cacheDir = path.join(repoRoot, '.cache', 'temporal-server', version),
): Promise<TemporalServerBuild> {
  const build: TemporalServerBuild = {
    version,
    server: path.join(cacheDir, 'temporal-server'),
    sqlTool: path.join(cacheDir, 'temporal-sql-tool'),
    postgresSchema: path.join(cacheDir, 'schema', 'postgresql', 'v12'),
  };
  // Written last: a build interrupted half-way is redone, never trusted.
  const complete = path.join(cacheDir, 'complete');
  if (existsSync(complete)) return build;
  await mkdir(cacheDir, { recursive: true });
  log(`building Temporal server v${version} and its SQL tool from the Go module (a few minutes, once)`);
  await goInstall(
    [`go.temporal.io/server/cmd/server@v${version}`, `go.temporal.io/server/cmd/tools/sql@v${version}`],
    { server: build.server, sql: build.sqlTool },
    '-s -w',
    'go install server',
  );
  const go = await goBinary();
  const modCache = (await run(go, ['env', 'GOMODCACHE'])).stdout.trim();
  const module = path.join(modCache, `go.temporal.io/server@v${version}`);
  await cp(path.join(module, 'schema', 'postgresql', 'v12'), build.postgresSchema, { recursive: true });
  const { stdout } = await run(build.server, ['--version']);
  if (!stdout.includes(version)) throw new Error(`built ${build.server} reports "${stdout.trim()}", not ${version}`);
  await writeFile(complete, `${new Date().toISOString()}\n`);
  return build;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureTemporalServer()
    .then((b) => console.log(b.server))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
