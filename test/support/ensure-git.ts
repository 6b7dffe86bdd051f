/**
 * The tests serve repositories with `git http-backend`, so they need git. Present on most
 * machines; on a Debian-like machine where we are root, install it rather than fail.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { aptGetInstall } from '../../infra/apt-get-install';

const run = promisify(execFile);

export async function ensureGit(): Promise<string> {
  const version = () => run('git', ['--version']).then((r) => r.stdout.trim());
  try {
    return await version();
  } catch {
    if (process.getuid?.() !== 0)
      throw new Error('git is not installed: install it (e.g. `sudo apt-get install -y git`) and run the tests again');
    process.stderr.write('[setup] git not found: installing it with apt-get\n');
    await aptGetInstall(['git']);
    return version();
  }
}
