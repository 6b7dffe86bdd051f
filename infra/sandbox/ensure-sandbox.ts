/**
 * The sandbox that runs application tests and Claude's Bash needs Debian's `bubblewrap`, `socat`
 * and `ripgrep` (Anthropic's sandbox runtime refuses to start without them). Where one is missing
 * and we are root on a Debian-like machine, install it, idempotently; otherwise say what to run.
 */
import { missingSandboxPackages } from '../../activities/sandbox/sandbox-packages';
import { aptGetInstall } from '../apt-get-install';

export { missingSandboxPackages };

export async function ensureSandboxPackages(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
  const missing = await missingSandboxPackages();
  if (!missing.length) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `The test sandbox needs ${missing.join(', ')}: install them (e.g. \`sudo apt-get install -y ${missing.join(' ')}\`) and run again`,
    );
  log(`[setup] installing ${missing.join(', ')} with apt-get (the test sandbox)`);
  await aptGetInstall(missing);
  const still = await missingSandboxPackages();
  if (still.length) throw new Error(`apt-get did not install ${still.join(', ')}`);
}
