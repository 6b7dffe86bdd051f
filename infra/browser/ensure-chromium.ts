/**
 * The admin page's browser test drives Debian's `chromium`, headless. Where it is missing and we
 * are root on a Debian-like machine, install it, idempotently; otherwise say what to run. No browser
 * build is ever downloaded by a library: the distribution's package is the only source.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { aptGetInstall } from '../apt-get-install';

const run = promisify(execFile);

/** The path of `chromium` on PATH, or undefined. */
export async function findChromium(): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', 'command -v chromium']);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Chromium's executable, installed with apt-get first when it is missing and we may. */
export async function ensureChromium(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
  const found = await findChromium();
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error(
      "The admin page test needs Debian's chromium: install it (e.g. `sudo apt-get install -y chromium`) and run again",
    );
  log('[setup] installing chromium with apt-get (the admin page test)');
  await aptGetInstall(['chromium']);
  const installed = await findChromium();
  if (!installed) throw new Error('apt-get did not install chromium (no `chromium` on PATH)');
  return installed;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await ensureChromium());
