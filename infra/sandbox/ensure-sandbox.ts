/**
 * The sandbox that runs application tests and Claude's Bash needs Debian's `bubblewrap`, `socat`
 * and `ripgrep` (Anthropic's sandbox runtime refuses to start without them). Where one is missing
 * and we are root on a Debian-like machine, install it, idempotently; otherwise say what to run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { missingSandboxPackages } from '../../activities/sandbox/sandbox-packages';

const run = promisify(execFile);

export { missingSandboxPackages };

export async function ensureSandboxPackages(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
  const missing = await missingSandboxPackages();
  if (!missing.length) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `The test sandbox needs ${missing.join(', ')}: install them (e.g. \`sudo apt-get install -y ${missing.join(' ')}\`) and run again`,
    );
  log(`[setup] installing ${missing.join(', ')} with apt-get (the test sandbox)`);
  const apt = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 };
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], apt);
  } catch {
    await run('apt-get', ['update'], apt);
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], apt);
  }
  const still = await missingSandboxPackages();
  if (still.length) throw new Error(`apt-get did not install ${still.join(', ')}`);
}
