import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_FILE_PATTERNS, detectTestCommand, isTestFile } from '../../../activities/sandbox/detect-test-command';

describe('detectTestCommand', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'detect-test-command-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes files relative to the checkout; a trailing slash makes a directory. */
  const checkout = async (files: Record<string, string>) => {
    for (const [name, content] of Object.entries(files)) {
      const full = path.join(dir, name);
      if (name.endsWith('/')) {
        await mkdir(full, { recursive: true });
        continue;
      }
      await mkdir(path.dirname(full), { recursive: true });
      await writeFile(full, content);
    }
    return detectTestCommand(dir);
  };

  const packageJson = (scripts?: Record<string, string>) => JSON.stringify({ name: 'x', version: '1.0.0', scripts });

  it('runs npm test when package.json has a real test script', async () => {
    expect(await checkout({ 'package.json': packageJson({ test: 'vitest run' }) })).toBe('npm test');
  });

  it("ignores npm init's placeholder test script, a missing one, an empty one and broken JSON", async () => {
    const placeholder = packageJson({ test: 'echo "Error: no test specified" && exit 1' });
    expect(await checkout({ 'package.json': placeholder })).toBeUndefined();
    expect(await checkout({ 'package.json': packageJson({ build: 'tsc' }) })).toBeUndefined();
    expect(await checkout({ 'package.json': packageJson({ test: '  ' }) })).toBeUndefined();
    expect(await checkout({ 'package.json': '{ "scripts": { "test": "jest" ' })).toBeUndefined();
    expect(await checkout({ 'package.json': '["scripts"]' })).toBeUndefined();
    // ... and then falls through to the next stack.
    expect(await checkout({ 'go.mod': 'module example.com/x\n' })).toBe('go test -v ./...');
  });

  it('prefers a Node test script to the other stacks in the same checkout', async () => {
    expect(
      await checkout({
        'package.json': packageJson({ test: 'node --test' }),
        'go.mod': 'module example.com/x\n',
        'pyproject.toml': '[tool.pytest.ini_options]\n',
      }),
    ).toBe('npm test');
  });

  it('runs go test for a Go module', async () => {
    expect(await checkout({ 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'main.go': 'package main\n' })).toBe(
      'go test -v ./...',
    );
  });

  it.each([
    ['pytest.ini', { 'pytest.ini': '[pytest]\naddopts = -q\n' }],
    ['conftest.py at the root', { 'conftest.py': 'import pytest\n' }],
    [
      '[tool.pytest.ini_options] in pyproject.toml',
      { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n' },
    ],
    ['[tool:pytest] in setup.cfg', { 'setup.cfg': '[metadata]\nname = x\n\n[tool:pytest]\ntestpaths = tests\n' }],
    ['[pytest] in tox.ini', { 'tox.ini': '[tox]\nenvlist = py311\n\n[pytest]\naddopts = -ra\n' }],
  ])('runs pytest when it is configured: %s', async (_, files) => {
    expect(await checkout(files)).toBe('python3 -m pytest -rA');
  });

  it.each([
    [
      'pyproject.toml without pytest',
      { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.black]\nline-length = 100\n' },
    ],
    ['setup.py', { 'setup.py': 'from setuptools import setup\nsetup()\n' }],
    ['setup.cfg without pytest', { 'setup.cfg': '[metadata]\nname = x\n' }],
    ['a test module at the root', { 'test_app.py': 'import unittest\n' }],
    ['a test module under tests/', { 'tests/test_app.py': 'import unittest\n', 'app.py': '' }],
  ])('runs unittest for a Python project: %s', async (_, files) => {
    expect(await checkout(files)).toBe('python3 -m unittest discover -v');
  });

  it('does not take pytest mentioned elsewhere, or a conftest.py below the root, for pytest configuration', async () => {
    expect(
      await checkout({
        'pyproject.toml': '[project]\ndependencies = ["pytest"]\n# see [tool.pytest] docs\n',
        'tests/conftest.py': '',
      }),
    ).toBe('python3 -m unittest discover -v');
  });

  it('does not call a folder of non-test Python files a Python project', async () => {
    expect(await checkout({ 'tests/helpers.py': '', 'scripts/test_data.py': '' })).toBeUndefined();
  });

  it.each([
    ['a solution', { 'App.sln': '' }, 'dotnet test'],
    ['a project file', { 'App.Tests.csproj': '<Project Sdk="Microsoft.NET.Sdk" />' }, 'dotnet test'],
    ['pom.xml', { 'pom.xml': '<project />' }, 'mvn -q test'],
    ['the Gradle wrapper', { gradlew: '#!/bin/sh\n', 'build.gradle': '' }, './gradlew test'],
    ['Cargo.toml', { 'Cargo.toml': '[package]\nname = "x"\n' }, 'cargo test'],
  ])('detects %s', async (_, files, command) => {
    expect(await checkout(files)).toBe(command);
  });

  it('takes the stacks in order: Python before .NET before Maven before Gradle before Cargo', async () => {
    expect(await checkout({ 'Cargo.toml': '', gradlew: '' })).toBe('./gradlew test');
    expect(await checkout({ 'pom.xml': '' })).toBe('mvn -q test');
    expect(await checkout({ 'App.sln': '' })).toBe('dotnet test');
    expect(await checkout({ 'setup.py': '' })).toBe('python3 -m unittest discover -v');
  });

  it('does not look for .NET projects below the root', async () => {
    expect(await checkout({ 'src/App/App.csproj': '', 'README.md': '# app\n' })).toBeUndefined();
  });

  it('returns undefined for an empty checkout or one that does not exist', async () => {
    expect(await checkout({})).toBeUndefined();
    expect(await detectTestCommand(path.join(dir, 'missing'))).toBeUndefined();
  });

  it('does not read a marker file through a symlink', async () => {
    const outside = path.join(dir, 'outside.json');
    await writeFile(outside, packageJson({ test: 'jest' }));
    await mkdir(path.join(dir, 'repo'));
    await symlink(outside, path.join(dir, 'repo', 'package.json'));
    expect(await detectTestCommand(path.join(dir, 'repo'))).toBeUndefined();
  });
});

describe('isTestFile', () => {
  it.each([
    'src/cart.test.ts',
    'src/cart.test.tsx',
    'lib/cart.spec.js',
    'lib/cart.spec.mjs',
    'lib/cart.test.cjs',
    'web/Button.test.jsx',
    'test/cart.js',
    'packages/a/test/helpers/setup.ts',
    'tests/integration.rs',
    'src/__tests__/cart.ts',
    'spec/models/cart_spec.rb',
    'test_cart.py',
    'app/tests/test_views.py',
    'app/cart_test.py',
    'pkg/cart/cart_test.go',
    'src/main/java/com/example/CartTest.java',
    'src/main/java/com/example/CartTests.java',
    'module/src/test/java/com/example/Fixtures.java',
    'Cart.Tests/CartTests.cs',
    'Cart/CartTest.cs',
  ])('recognises %s', (file) => {
    expect(isTestFile(file)).toBe(true);
  });

  it.each([
    'src/cart.ts',
    'src/testing.ts',
    'src/test-utils.ts',
    'src/contest/entry.ts',
    'latest/notes.md',
    'src/cart.test.md',
    'test',
    'attest.py',
    'cart_tests.py.bak',
    'pkg/cart/cart.go',
    'src/main/java/com/example/Cart.java',
    'src/main/java/com/example/TestHelper.java',
    'Cart/Cart.cs',
    'src/specs/cart.ts',
    '',
  ])('does not recognise %s', (file) => {
    expect(isTestFile(file)).toBe(false);
  });

  it('exports its patterns as globs', () => {
    expect(TEST_FILE_PATTERNS).toContain('**/*_test.go');
    expect(TEST_FILE_PATTERNS.every((p) => p.startsWith('**/'))).toBe(true);
  });
});
