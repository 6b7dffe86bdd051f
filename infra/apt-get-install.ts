import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Installs Debian packages, non-interactively: what the project's own setup does for a tool the
 * tests or the service need (git, PostgreSQL, the sandbox's packages) on a Debian-like machine
 * where we are root. Callers check for root and say what to run otherwise.
 */
export async function aptGetInstall(packages: string[]): Promise<void> {
  const opts = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 << 20 };
  await run('apt-get', ['update'], opts);
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], opts);
}
