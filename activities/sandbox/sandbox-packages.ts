import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What Anthropic's sandbox runtime needs on Linux, command → Debian package. */
export const SANDBOX_PACKAGES = { bwrap: 'bubblewrap', socat: 'socat', rg: 'ripgrep' } as const;

async function present(command: string): Promise<boolean> {
  try {
    await run(command, ['--version']);
    return true;
  } catch (err) {
    // A program that is there but dislikes --version still counts.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The Debian packages of the sandbox that are not installed. */
export async function missingSandboxPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(SANDBOX_PACKAGES)) if (!(await present(command))) missing.push(pkg);
  return missing;
}

/** Whether bubblewrap can make its namespaces here (a container without user namespaces cannot). */
async function bwrapWorks(): Promise<boolean> {
  try {
    await run('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-all', '--die-with-parent', 'true'], {
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

let ready: Promise<boolean> | undefined;
/** Whether the sandbox can start on this worker; checked once (installing packages means a restart). */
export function sandboxReady(): Promise<boolean> {
  ready ??= missingSandboxPackages().then(async (m) => m.length === 0 && (await bwrapWorks()));
  return ready;
}
