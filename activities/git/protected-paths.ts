import picomatch from 'picomatch';
import { parsePatch } from 'diff';
import type { ProtectedChange } from '../../workflows/domain/types';

/**
 * Files whose change runs code or grants access outside the application: CI, builds, dependencies,
 * git's own behaviour, containers and infrastructure. A fix that touches one came from text an
 * attacker can write (a production error), so it is refused or needs a separate approver.
 */
const RULES: { reason: string; globs: string[] }[] = [
  {
    reason: 'CI configuration',
    globs: [
      '.github/**',
      '.gitlab-ci.yml',
      '.gitlab/**',
      '.circleci/**',
      '.buildkite/**',
      '**/Jenkinsfile',
      '.travis.yml',
      'azure-pipelines.yml',
      'bitbucket-pipelines.yml',
      '.drone.yml',
      '**/CODEOWNERS',
    ],
  },
  {
    reason: 'build script',
    globs: [
      '**/Makefile',
      '**/*.mk',
      '**/CMakeLists.txt',
      '**/build.gradle*',
      '**/settings.gradle*',
      '**/gradle/wrapper/**',
      '**/pom.xml',
      '**/BUILD',
      '**/BUILD.bazel',
      '**/WORKSPACE',
      '**/Rakefile',
      '**/setup.py',
      '**/setup.cfg',
      '**/.npmrc',
      '**/.yarnrc*',
    ],
  },
  {
    reason: 'dependency manifest',
    globs: [
      '**/package.json',
      '**/requirements*.txt',
      '**/pyproject.toml',
      '**/Pipfile',
      '**/Gemfile',
      '**/*.gemspec',
      '**/go.mod',
      '**/Cargo.toml',
      '**/composer.json',
    ],
  },
  {
    reason: 'lock file',
    globs: [
      '**/package-lock.json',
      '**/npm-shrinkwrap.json',
      '**/yarn.lock',
      '**/pnpm-lock.yaml',
      '**/bun.lock*',
      '**/Pipfile.lock',
      '**/poetry.lock',
      '**/uv.lock',
      '**/Gemfile.lock',
      '**/go.sum',
      '**/Cargo.lock',
      '**/composer.lock',
    ],
  },
  {
    reason: "git's own configuration or hooks",
    globs: ['**/.gitattributes', '.gitmodules', '.githooks/**', '.husky/**', '.pre-commit-config.yaml'],
  },
  {
    reason: 'container image',
    globs: ['**/Dockerfile', '**/Dockerfile.*', '**/*.dockerfile', '**/docker-compose*.y*ml', '**/compose.y*ml'],
  },
  {
    reason: 'infrastructure',
    globs: [
      '**/*.tf',
      '**/*.tfvars',
      '**/terraform/**',
      '**/k8s/**',
      '**/kubernetes/**',
      '**/helm/**',
      '**/Chart.yaml',
      'infra/**',
      'deploy/**',
      '**/serverless.y*ml',
      '**/Procfile',
      '**/.env',
      '**/.env.*',
    ],
  },
];

const SYMLINK = '120000';
const SUBMODULE = '160000';

export type ProtectedPathMatcher = (path: string) => string | undefined;

/** The default rules plus PROTECTED_PATHS globs; paths are matched case-insensitively, dot files included. */
export function protectedPathMatcher(extraGlobs: readonly string[] = []): ProtectedPathMatcher {
  const options = { dot: true, nocase: true };
  const rules = [...RULES, ...(extraGlobs.length ? [{ reason: 'PROTECTED_PATHS', globs: [...extraGlobs] }] : [])].map(
    (r) => ({ reason: r.reason, test: picomatch(r.globs, options) }),
  );
  return (path) => rules.find((r) => r.test(path))?.reason;
}

/**
 * The protected changes in a git-style diff (the one shown to the approver and applied): files
 * matching the rules, symlinks, submodules and executable bits, whatever the file.
 */
export function protectedChanges(diff: string, matches: ProtectedPathMatcher): ProtectedChange[] {
  const found: ProtectedChange[] = [];
  for (const p of parsePatch(diff)) {
    const paths = [stripPrefix(p.oldFileName, 'a/'), stripPrefix(p.newFileName, 'b/')].filter(
      (x): x is string => x !== undefined,
    );
    for (const path of new Set(paths)) {
      const reason =
        matches(path) ??
        ([p.oldMode, p.newMode].includes(SYMLINK)
          ? 'symlink'
          : [p.oldMode, p.newMode].includes(SUBMODULE)
            ? 'submodule'
            : p.newMode === '100755' && p.oldMode !== '100755'
              ? 'file mode (made executable)'
              : p.oldMode && p.newMode && p.oldMode !== p.newMode
                ? 'file mode'
                : undefined);
      if (reason) found.push({ path, reason });
    }
  }
  return found;
}

function stripPrefix(name: string | undefined, prefix: string): string | undefined {
  if (name === undefined || name === '/dev/null') return undefined;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}
