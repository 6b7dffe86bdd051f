import { open, readdir } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

/**
 * The conventional test command for a checkout, read from a few marker files at its root (and the
 * listing of `tests/`). Nothing in the checkout is executed: only names are listed and small files read.
 * The first stack that applies wins, so a Node project with a Python helper script stays a Node project.
 */
export async function detectTestCommand(dir: string): Promise<string | undefined> {
  const root = await list(dir);
  if (!root) return undefined;
  const has = (name: string) => root.has(name);

  if (has('package.json') && hasRealTestScript(await readSmall(dir, root, 'package.json'))) return 'npm test';
  if (has('go.mod')) return 'go test -v ./...';
  if (await pytestConfigured(dir, root)) return 'python3 -m pytest -rA';
  if (await isPythonProject(dir, root)) return 'python3 -m unittest discover -v';
  if ([...root.keys()].some((name) => name.endsWith('.sln') || name.endsWith('.csproj'))) return 'dotnet test';
  if (has('pom.xml')) return 'mvn -q test';
  if (has('gradlew')) return './gradlew test';
  if (has('Cargo.toml')) return 'cargo test';
  return undefined;
}

/** What `npm init` writes when there are no tests: running it only fails. */
const NPM_DEFAULT_TEST = 'no test specified';
/** Marker files larger than this are not read: a configuration file is never that big. */
const MAX_READ = 1024 * 1024;

async function list(dir: string): Promise<Map<string, Dirent> | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return new Map(entries.map((e) => [e.name, e]));
  } catch {
    return undefined;
  }
}

/** A regular file at the root, read up to MAX_READ bytes; symlinks, directories and devices are not followed. */
async function readSmall(dir: string, root: Map<string, Dirent>, name: string): Promise<string | undefined> {
  if (!root.get(name)?.isFile()) return undefined;
  let handle;
  try {
    handle = await open(path.join(dir, name), 'r');
    const buffer = Buffer.alloc(MAX_READ);
    const { bytesRead } = await handle.read(buffer, 0, MAX_READ, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function hasRealTestScript(packageJson: string | undefined): boolean {
  if (packageJson === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(packageJson);
    if (!parsed || typeof parsed !== 'object') return false;
    const scripts = (parsed as { scripts?: unknown }).scripts;
    if (!scripts || typeof scripts !== 'object') return false;
    const test = (scripts as { test?: unknown }).test;
    return typeof test === 'string' && test.trim() !== '' && !test.includes(NPM_DEFAULT_TEST);
  } catch {
    return false;
  }
}

async function pytestConfigured(dir: string, root: Map<string, Dirent>): Promise<boolean> {
  if (root.has('pytest.ini') || root.has('.pytest.ini') || root.has('conftest.py')) return true;
  const pyproject = await readSmall(dir, root, 'pyproject.toml');
  if (pyproject !== undefined && /^\s*\[tool\.pytest\b/m.test(pyproject)) return true;
  for (const name of ['setup.cfg', 'tox.ini']) {
    const text = await readSmall(dir, root, name);
    if (text !== undefined && /^\s*\[(?:tool:)?pytest\]/m.test(text)) return true;
  }
  return false;
}

const PYTHON_TEST_FILE = /^test.*\.py$/;

async function isPythonProject(dir: string, root: Map<string, Dirent>): Promise<boolean> {
  if (root.has('pyproject.toml') || root.has('setup.py') || root.has('setup.cfg')) return true;
  if ([...root.values()].some((e) => e.isFile() && PYTHON_TEST_FILE.test(e.name))) return true;
  if (!root.get('tests')?.isDirectory()) return false;
  const tests = await list(path.join(dir, 'tests'));
  return !!tests && [...tests.values()].some((e) => e.isFile() && PYTHON_TEST_FILE.test(e.name));
}

const JS_EXTENSIONS = '{js,mjs,cjs,ts,mts,cts,tsx,jsx}';

/** Test files across the stacks above, as globs over repository-relative paths with forward slashes. */
export const TEST_FILE_PATTERNS: readonly string[] = [
  // JavaScript and TypeScript: Jest, Vitest, Mocha, node:test
  `**/*.test.${JS_EXTENSIONS}`,
  `**/*.spec.${JS_EXTENSIONS}`,
  // Anything under a test directory, at any depth (Rust's integration tests are tests/*.rs)
  '**/test/**/*',
  '**/tests/**/*',
  '**/__tests__/**/*',
  '**/spec/**/*',
  // Python: pytest and unittest discovery
  '**/test_*.py',
  '**/*_test.py',
  // Go
  '**/*_test.go',
  // Java: Surefire's defaults and Maven's layout
  '**/*Test.java',
  '**/*Tests.java',
  '**/src/test/**/*',
  // C#
  '**/*Test.cs',
  '**/*Tests.cs',
];

const matchesTestFile = picomatch([...TEST_FILE_PATTERNS], { dot: true });

/** Whether a repository-relative path (forward slashes) is a test file by the conventions of its stack. */
export function isTestFile(filePath: string): boolean {
  const normalised = filePath.replace(/^\.\//, '');
  return normalised !== '' && matchesTestFile(normalised);
}
