import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import path from 'node:path';
import { missingSandboxPackages, sandboxReady, SANDBOX_PACKAGES } from '../../activities/sandbox/sandbox-packages';
import { fail, ok, skip, warn, type DoctorCheck } from './check';

const GiB = 1024 ** 3;
/** A clone of a large repository and a few attempts' checkouts fit in this; below it, runs fail mid-clone. */
const MIN_FREE = 1 * GiB;
const LOW_FREE = 5 * GiB;

/** The directory itself, or its nearest ancestor that exists (the cache is created on first use). */
async function existingAncestor(dir: string): Promise<string> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      await access(d);
      return d;
    } catch {
      if (path.dirname(d) === d) return d;
    }
  }
}

const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

/** What runs on this machine besides the services: the test sandbox, and room for clones. */
export function hostChecks(): DoctorCheck[] {
  return [
    {
      id: 'claude.sandbox',
      group: 'claude',
      fast: true,
      timeoutHint: 'bubblewrap did not start in time: try `bwrap --ro-bind / / true` by hand',
      precondition: (config) =>
        config.tests.policy === 'off' && !config.claude.sandbox
          ? skip('VERIFY_TEST_POLICY=off and CLAUDE_SANDBOX=off: nothing runs in the sandbox')
          : undefined,
      async run({ config }) {
        const severity = config.tests.policy === 'require' ? fail : warn;
        const consequence =
          config.tests.policy === 'require'
            ? 'VERIFY_TEST_POLICY=require refuses every fix'
            : 'fixes are posted with "tests not run"';
        const missing = await missingSandboxPackages();
        if (missing.length)
          return severity(
            `the test sandbox needs ${missing.join(', ')}: ${consequence}`,
            `apt-get install -y ${missing.join(' ')}`,
          );
        if (!(await sandboxReady()))
          return severity(
            `bubblewrap cannot create its namespaces here (unprivileged user namespaces off?): ${consequence}`,
            'allow user namespaces (sysctl kernel.unprivileged_userns_clone=1; in a container, run it with them allowed)',
          );
        return ok(`${Object.values(SANDBOX_PACKAGES).join(', ')} present, bubblewrap starts`);
      },
    },
    {
      id: 'claude.disk',
      group: 'claude',
      fast: true,
      timeoutHint: 'the filesystem of GIT_CACHE_DIR did not answer: is it a stuck network mount?',
      async run({ config }) {
        const dir = await existingAncestor(config.git.cacheDir);
        try {
          await access(dir, constants.W_OK);
        } catch {
          return fail(`${dir} is not writable: clones cannot be stored`, 'set GIT_CACHE_DIR to a writable directory');
        }
        const fs = await statfs(dir);
        const free = fs.bavail * fs.bsize;
        const where = `${gib(free)} free for clones at ${config.git.cacheDir}`;
        if (free < MIN_FREE)
          return fail(`only ${where}`, 'free space there, or set GIT_CACHE_DIR to a larger filesystem');
        if (free < LOW_FREE)
          return warn(`only ${where}`, 'large repositories need more: free space or move GIT_CACHE_DIR');
        return ok(where);
      },
    },
  ];
}
