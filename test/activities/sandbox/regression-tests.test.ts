import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runRegressionTests, splitDiff } from '../../../activities/sandbox/regression-tests';
import { sandboxPolicy } from '../../../activities/sandbox/sandbox-policy';

/**
 * The verdicts other than the happy path, on small real repositories whose tests run in the real
 * sandbox: a node:test suite (names parsed) and a runner that prints no names (exit status only).
 */
const exec = promisify(execFile);
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(path.dirname(dir), { recursive: true, force: true });
  dir = undefined;
});

const SRC = 'export const half = (n) => n / 2;\n';
const PASSING = `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { half } from '../src/half.js';\ntest('halves four', () => assert.equal(half(4), 2));\n`;

async function repo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'regression-'));
  dir = path.join(root, 'checkout');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

/** A git diff of `edits` against the files, made by git itself. */
async function diffOf(base: Record<string, string>, edits: Record<string, string>): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'regression-diff-'));
  try {
    const git = (...args: string[]) => exec('git', args, { cwd: d });
    await git('init', '-q');
    for (const [f, t] of Object.entries(base)) {
      await mkdir(path.dirname(path.join(d, f)), { recursive: true });
      await writeFile(path.join(d, f), t);
    }
    await git('add', '-A');
    await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base');
    for (const [f, t] of Object.entries(edits)) {
      await mkdir(path.dirname(path.join(d, f)), { recursive: true });
      await writeFile(path.join(d, f), t);
    }
    await git('add', '-A');
    return (await git('diff', '--cached')).stdout;
  } finally {
    await rm(d, { recursive: true, force: true });
  }
}

async function verdictOf(base: Record<string, string>, edits: Record<string, string>, command?: string) {
  const checkout = await repo(base);
  return runRegressionTests({
    dir: checkout,
    commit: 'abc1234',
    diff: await diffOf(base, edits),
    ...(command ? { command } : {}),
    errorWords: ['Cannot halve a string'],
    policy: sandboxPolicy({
      checkout,
      scratch: `${checkout}.sandbox`,
      allowedDomains: [],
      serviceDirs: [],
      pathEnv: process.env.PATH ?? '',
    }),
    limits: { timeoutMs: 60_000, cpuSeconds: 60, maxOutputBytes: 200_000 },
  });
}

const base = {
  'package.json': '{"type":"module","scripts":{"test":"node --test"}}\n',
  'src/half.js': SRC,
  'test/half.test.js': PASSING,
};
const throwingTest = `import { test } from 'node:test';\nimport { half } from '../src/half.js';\ntest('refuses a string', () => { half('x'); });\n`;

describe('runRegressionTests', () => {
  it('fix-fails-test: the new test still fails with the fix', async () => {
    const mustThrow = `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { half } from '../src/half.js';\ntest('refuses a string', () => assert.throws(() => half('x'), TypeError));\n`;
    const e = await verdictOf(base, {
      'test/regression.test.js': mustThrow,
      'src/half.js': 'export const half = (n) => Math.floor(n / 2);\n',
    });
    expect(e.verdict).toBe('fix-fails-test');
    expect(e.regressionTests).toEqual(['refuses a string']);
  }, 60_000);

  it('breaks-tests: a test that passed on the deployed commit fails with the fix', async () => {
    const breaking = "export const half = (n) => {\n  throw new TypeError('Cannot halve a string');\n};\n";
    const e = await verdictOf(base, {
      'test/regression.test.js': throwingTest
        .replace("half('x'); ", "assert.throws(() => half('x'));")
        .replace('import { half }', "import assert from 'node:assert/strict';\nimport { half }"),
      'src/half.js': breaking,
    });
    expect(e.verdict).toBe('breaks-tests');
    expect(e.newFailures).toEqual(['halves four']);
  }, 60_000);

  it('not-reproduced: a new test that fails, but not with the production error', async () => {
    const wrongReason = `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { half } from '../src/half.js';\ntest('halves three', () => assert.equal(half(3), 1));\n`;
    const e = await verdictOf(base, {
      'test/regression.test.js': wrongReason,
      'src/half.js': 'export const half = (n) => Math.floor(n / 2);\n',
    });
    expect(e.verdict).toBe('not-reproduced');
    expect(e.reason).toBe('the new test fails on the deployed commit, but not with the production error');
  }, 60_000);

  it('judges a runner that prints no test names by its exit status', async () => {
    const check = (arg: string) =>
      `node -e "import('./src/half.js').then(m => { if (m.half(${arg}) !== 2) process.exit(1); })"\n`;
    const strict =
      "export const half = (n) => {\n  if (typeof n !== 'number') throw new TypeError('Cannot halve a string');\n  return n / 2;\n};\n";
    const e = await verdictOf(
      { 'src/half.js': strict, 'tests/basic.sh': check('4') },
      { 'tests/regression.sh': check("'4'"), 'src/half.js': 'export const half = (n) => Number(n) / 2;\n' },
      `sh -c 'for t in tests/*.sh; do sh "$t" || exit 1; done'`,
    );
    expect(e).toMatchObject({ verdict: 'reproduced', regressionTests: ['(the test suite)'] });
    expect(e.productionErrorSeen).toBe('Cannot halve a string');
  }, 60_000);

  it('not-run: a test command that cannot start says why', async () => {
    const e = await verdictOf(base, { 'test/regression.test.js': throwingTest }, 'no-such-test-runner --all');
    expect(e.verdict).toBe('not-run');
    expect(e.reason).toMatch(/fails on the deployed commit before any test runs \(.*no-such-test-runner.*not found/);
  }, 60_000);

  it('splits a diff into test files and the rest', () => {
    const diff = [
      'diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-a\n+b\n',
      'diff --git a/test/a.test.js b/test/a.test.js\nnew file mode 100644\n--- /dev/null\n+++ b/test/a.test.js\n@@ -0,0 +1 @@\n+t\n',
    ].join('');
    const { tests, source } = splitDiff(diff);
    expect(tests.map((t) => t.file)).toEqual(['test/a.test.js']);
    expect(source.map((t) => t.file)).toEqual(['src/a.js']);
  });
});
