import { describe, expect, it } from 'vitest';
import { protectedChanges, protectedPathMatcher } from '../../../activities/git/protected-paths';

const diffOf = (...files: { path: string; header?: string }[]) =>
  files
    .map(
      (f) =>
        `diff --git a/${f.path} b/${f.path}\n${f.header ?? ''}index 1111111..2222222 100644\n--- a/${f.path}\n+++ b/${f.path}\n@@ -1 +1 @@\n-a\n+b\n`,
    )
    .join('');

describe('protected paths', () => {
  const matcher = protectedPathMatcher();

  it('names CI, dependency, lock, git, container and infrastructure files, at the root or nested', () => {
    const files = [
      '.github/workflows/ci.yml',
      'package.json',
      'services/api/package.json',
      'yarn.lock',
      'go.sum',
      '.gitattributes',
      'docker/Dockerfile',
      'deploy/prod.yaml',
      'infra/main.tf',
      'Makefile',
      '.husky/pre-commit',
    ];
    const found = protectedChanges(diffOf(...files.map((path) => ({ path }))), matcher);
    expect(found.map((f) => f.path)).toEqual(files);
    expect(found.find((f) => f.path === 'yarn.lock')?.reason).toBe('lock file');
    expect(found.find((f) => f.path === '.github/workflows/ci.yml')?.reason).toBe('CI configuration');
  });

  it('leaves application code alone, whatever its name looks like', () => {
    const files = ['src/cart.ts', 'src/package-json.ts', 'docs/github.md', 'src/infra/db.ts', 'README.md'];
    expect(protectedChanges(diffOf(...files.map((path) => ({ path }))), matcher)).toEqual([]);
  });

  it('catches symlinks, submodules and executable bits on any file', () => {
    const diff = [
      'diff --git a/src/link b/src/link\nnew file mode 120000\nindex 0000000..1111111\n--- /dev/null\n+++ b/src/link\n@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n',
      'diff --git a/src/run.sh b/src/run.sh\nold mode 100644\nnew mode 100755\n',
      'diff --git a/vendor/lib b/vendor/lib\nnew file mode 160000\nindex 0000000..1111111\n--- /dev/null\n+++ b/vendor/lib\n@@ -0,0 +1 @@\n+Subproject commit 1111111111111111111111111111111111111111\n',
    ].join('');
    expect(protectedChanges(diff, matcher)).toEqual([
      { path: 'src/link', reason: 'symlink' },
      { path: 'src/run.sh', reason: 'file mode (made executable)' },
      { path: 'vendor/lib', reason: 'submodule' },
    ]);
  });

  it('matches case-insensitively, checks both names of a rename, and takes extra globs', () => {
    const rename =
      'diff --git a/src/ok.ts b/.GitHub/Workflows/x.yml\nsimilarity index 100%\nrename from src/ok.ts\nrename to .GitHub/Workflows/x.yml\n';
    expect(protectedChanges(rename, matcher)).toEqual([
      { path: '.GitHub/Workflows/x.yml', reason: 'CI configuration' },
    ]);
    const extra = protectedPathMatcher(['src/payments/**']);
    expect(protectedChanges(diffOf({ path: 'src/payments/charge.ts' }), extra)).toEqual([
      { path: 'src/payments/charge.ts', reason: 'PROTECTED_PATHS' },
    ]);
    expect(protectedChanges(diffOf({ path: 'src/payments/charge.ts' }), matcher)).toEqual([]);
  });
});
