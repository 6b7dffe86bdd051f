/**
 * Finds or builds the pinned Temporal CLI (dev server + Web UI), idempotently.
 * Routes, in order: TEMPORAL_CLI_PATH; a `temporal` on PATH of the pinned
 * version; a cached build under .cache/temporal/<version>/; `go install` of the
 * CLI's Go module into that cache; the official release archive.
 * Run directly (`npm run temporal:cli`) it prints the path it settled on.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, stat, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../platform/config/read-config';
import { goInstall, log, onPath } from './go-install';

const execFileAsync = promisify(execFile);

export interface EnsureCliOptions {
  version: string;
  cliPath?: string;
  cacheDir?: string;
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(bin, ['--version'], { timeout: 20_000 });
    // "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
    return /version\s+v?(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

async function buildWithGo(version: string, target: string): Promise<void> {
  log(`building Temporal CLI v${version} from its Go module (first build takes a few minutes; later runs reuse it)`);
  await goInstall(
    [`github.com/temporalio/cli/cmd/temporal@v${version}`],
    { temporal: target },
    // Same flags as the official release build, so `temporal --version` reports the pinned version.
    `-s -w -X github.com/temporalio/cli/temporalcli.Version=${version}`,
    'go install',
  );
}

async function downloadRelease(version: string, target: string): Promise<void> {
  const arch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch];
  const platform = ({ linux: 'linux', darwin: 'darwin' } as Record<string, string>)[process.platform];
  if (!arch || !platform) throw new Error(`no release archive for ${process.platform}/${process.arch}`);
  const url = `https://github.com/temporalio/cli/releases/download/v${version}/temporal_cli_${version}_${platform}_${arch}.tar.gz`;
  log(`downloading ${url}`);
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'temporal-cli-'));
  try {
    const archive = path.join(scratch, 'cli.tar.gz');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(archive, Buffer.from(await res.arrayBuffer()));
    await execFileAsync('tar', ['-xzf', archive, '-C', scratch, 'temporal']);
    await chmod(path.join(scratch, 'temporal'), 0o755);
    await rename(path.join(scratch, 'temporal'), target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Returns the path of a Temporal CLI binary of the pinned version, building it if needed. */
export async function ensureTemporalCli(opts: EnsureCliOptions): Promise<string> {
  const { version } = opts;
  const tried: string[] = [];

  if (opts.cliPath) {
    const found = await versionOf(opts.cliPath);
    if (found) {
      if (found !== version) log(`TEMPORAL_CLI_PATH is version ${found}, pinned is ${version}: using it as asked`);
      return opts.cliPath;
    }
    throw new Error(
      `TEMPORAL_CLI_PATH=${opts.cliPath} is not a working Temporal CLI (\`${opts.cliPath} --version\` failed)`,
    );
  }

  const systemCli = await onPath('temporal');
  if (systemCli) {
    const found = await versionOf(systemCli);
    if (found === version) return systemCli;
    tried.push(`temporal on PATH (${systemCli}) is version ${found ?? 'unknown'}, not ${version}`);
  } else tried.push('no temporal on PATH');

  const cacheDir = opts.cacheDir ?? path.join(repoRoot, '.cache', 'temporal', version);
  const cached = path.join(cacheDir, 'temporal');
  if ((await versionOf(cached)) === version) return cached;
  await mkdir(cacheDir, { recursive: true });

  try {
    await buildWithGo(version, cached);
    if ((await versionOf(cached)) === version) {
      const { size } = await stat(cached);
      log(`built ${cached} (${(size / 1e6).toFixed(0)} MB)`);
      return cached;
    }
    tried.push('go install produced a binary that does not report the pinned version');
  } catch (err) {
    tried.push(`go install failed: ${(err as Error).message.split('\n')[0]}`);
  }

  try {
    await downloadRelease(version, cached);
    if ((await versionOf(cached)) === version) return cached;
    tried.push('the release archive did not hold a working binary');
  } catch (err) {
    tried.push(`release download failed: ${(err as Error).message.split('\n')[0]}`);
  }

  throw new Error(
    [
      `Could not find or build the Temporal CLI v${version}. Tried:`,
      ...tried.map((t) => `  - ${t}`),
      'Fix one of these:',
      '  - set TEMPORAL_CLI_PATH to an existing temporal binary, or put temporal v' + version + ' on PATH;',
      '  - install Go (https://go.dev/dl) so it can be built with `go install github.com/temporalio/cli/cmd/temporal@v' +
        version +
        '`;',
      '  - or give this machine internet access to download the release archive.',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readConfig } = await import('../platform/config/read-config');
  const config = readConfig();
  ensureTemporalCli({
    version: config.devServer.cliVersion,
    ...(config.devServer.cliPath ? { cliPath: config.devServer.cliPath } : {}),
  })
    .then((p) => console.log(p))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
