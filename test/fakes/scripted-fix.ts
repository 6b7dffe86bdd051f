import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { primaryWorkingDirectory, type FakeTurn, type RecordedRequest } from './anthropic-fake';

/**
 * A scripted Claude session that fixes the bug in test/fixtures/sample-repo:
 * Read src/cart.ts, Edit the failing line, then explain. Paths are absolute,
 * built from the working directory the CLI reports in its request.
 */

export const BUGGY_FILE = 'src/cart.ts';
export const BUGGY_LINE = '  const city = user.profile.address.city;';
export const FIXED_LINE = "  const city = user.profile?.address?.city ?? 'unknown';";

export const FIX_EXPLANATION = [
  '## Root cause',
  '`shippingLabel` in `src/cart.ts:14` reads `user.profile.address.city`, but guest users are stored',
  'without a `profile` (see `src/users.ts`), so `user.profile` is `undefined` and reading `address` throws',
  "`TypeError: Cannot read properties of undefined (reading 'address')`.",
  '',
  '## Fix',
  'Use optional chaining with a fallback so guests get the label `Guest - unknown` instead of a crash.',
  '',
  '## Summary',
  'Changed one line in `src/cart.ts`; no other files touched.',
].join('\n');

/** A Node stack trace of that bug as production logs it (the service runs from /app). */
export const sampleStackTrace = [
  "TypeError: Cannot read properties of undefined (reading 'address')",
  '    at shippingLabel (/app/src/cart.ts:14:29)',
  '    at checkout (/app/src/cart.ts:19:17)',
  '    at Server.<anonymous> (/app/src/server.ts:12:18)',
  '    at Server.emit (node:events:519:28)',
  '    at parserOnIncoming (node:_http_server:1141:12)',
  '    at HTTPParser.parserOnHeadersComplete (node:_http_common:118:17)',
].join('\n');

export const sampleErrorMessage = "TypeError: Cannot read properties of undefined (reading 'address')";

/** The sample bug as Datadog's Logs API reports it (see datadog-shapes.ts): kind, message and stack apart. */
export const sampleError = {
  kind: 'TypeError',
  message: "Cannot read properties of undefined (reading 'address')",
  stack: sampleStackTrace,
} as const;

/** Another error of the same service in the same logs, which a run of the sample bug must leave out. */
export const unrelatedError = {
  kind: 'Error',
  message: 'connect ECONNREFUSED 10.0.3.7:6379',
  stack:
    'Error: connect ECONNREFUSED 10.0.3.7:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)',
} as const;

export function scriptedFixTurns(): FakeTurn[] {
  const file = (req: RecordedRequest) => join(primaryWorkingDirectory(req), BUGGY_FILE);
  return [
    (req) => [
      { type: 'text', text: 'The stack trace points at src/cart.ts line 14. Let me read it.' },
      { type: 'tool_use', name: 'Read', input: { file_path: file(req) } },
    ],
    (req) => ({
      type: 'tool_use',
      name: 'Edit',
      input: { file_path: file(req), old_string: BUGGY_LINE, new_string: FIXED_LINE },
    }),
    () => FIX_EXPLANATION,
  ];
}

export interface SampleCheckout {
  dir: string;
  baseCommit: string;
  remove(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/** A git repository with one commit holding test/fixtures/sample-repo, in a fresh temp dir. */
export function createSampleCheckout(): Promise<SampleCheckout> {
  return createCheckoutOf(fileURLToPath(new URL('../fixtures/sample-repo', import.meta.url)), 'shop-api 1.4.2');
}

/** A git repository with one commit holding a copy of the tree at `source`, in a fresh temp dir. */
export async function createCheckoutOf(source: string, message: string): Promise<SampleCheckout> {
  const dir = await mkdtemp(join(tmpdir(), `${basename(source)}-`));
  await cp(source, dir, { recursive: true });
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  const run = (...args: string[]) => execFileAsync('git', args, { cwd: dir, env: gitEnv });
  await run('init', '--quiet', '--initial-branch=main');
  await run('add', '-A');
  await run('commit', '--quiet', '--no-gpg-sign', '-m', message);
  const { stdout } = await run('rev-parse', 'HEAD');
  return { dir, baseCommit: stdout.trim(), remove: () => rm(dir, { recursive: true, force: true }) };
}
