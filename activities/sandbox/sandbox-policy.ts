import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where code steered by production text may run: the application's tests, and Claude Code's Bash
 * tool. One policy, rendered for the two consumers of Anthropic's sandbox runtime (bubblewrap and
 * socat on Linux): `srt` for the pipeline's own test runs, Claude Code's `sandbox` setting for
 * its Bash tool. test/activities/sandbox/boundaries.test.ts proves each boundary from inside.
 */
export interface SandboxPolicy {
  /** The checkout: read and written. */
  checkout: string;
  /** HOME, TMPDIR and toolchain caches of this run: read and written, removed after it. */
  scratch: string;
  /** Hosts the operator allow-lists (a package registry mirror); empty means no network at all. */
  allowedDomains: string[];
  /**
   * The service's own places, denied for reading: its code and configuration, its data (other runs'
   * checkouts, the repository store), home and the temp root where other runs keep their files.
   */
  denyRead: string[];
  /** Paths under a denied place that must stay readable (the toolchains on PATH, the sandbox's helper). */
  allowRead: string[];
}

/** The project root of the running service: the directory holding its package.json. */
export const SERVICE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/**
 * World-writable places outside the temp root (which is denied, so covered by an empty one inside):
 * never writable. /dev/shm needs nothing: the sandbox has a /dev of its own.
 */
const SHARED_WRITABLE = ['/var/tmp'];

/** Files a root-run worker could read that no test needs. */
const SYSTEM_SECRETS = ['/etc/shadow', '/etc/gshadow', '/etc/ssl/private', '/run/secrets', '/var/run/secrets'];

/** The sandbox runtime's package directory (its seccomp helper must stay readable, even under the service root). */
export function sandboxRuntimeDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@anthropic-ai/sandbox-runtime/package.json'));
}

export interface PolicyInput {
  checkout: string;
  scratch: string;
  allowedDomains: string[];
  /** Data directories of the service (GIT_CACHE_DIR, the work root): never readable from inside. */
  serviceDirs: string[];
  /** The PATH the sandboxed command gets; toolchains under a denied place are re-allowed. */
  pathEnv: string;
  home?: string;
}

export function sandboxPolicy(input: PolicyInput): SandboxPolicy {
  const home = input.home ?? homedir();
  const denyRead = unique([
    SERVICE_ROOT,
    ...input.serviceDirs.map((d) => path.resolve(d)),
    home,
    '/root',
    '/home',
    tmpdir(),
    ...SYSTEM_SECRETS,
  ]);
  const toolchains = sandboxPath(input.pathEnv)
    .split(':')
    .flatMap((dir) => {
      const under = denyRead.find((d) => dir.startsWith(`${d}/`));
      // ~/.pyenv/shims needs all of ~/.pyenv; a toolchain is not a secret, the rest of home is.
      return under ? [path.join(under, dir.slice(under.length + 1).split('/')[0]!)] : [];
    });
  return {
    checkout: input.checkout,
    scratch: input.scratch,
    allowedDomains: input.allowedDomains,
    denyRead,
    allowRead: unique([input.checkout, input.scratch, path.join(sandboxRuntimeDir(), 'vendor'), ...toolchains]),
  };
}

/** PATH without the service's own directories (node_modules/.bin holds its CLIs, not the application's). */
export function sandboxPath(pathEnv: string): string {
  return pathEnv
    .split(':')
    .filter((dir) => dir && path.isAbsolute(dir) && dir !== SERVICE_ROOT && !dir.startsWith(`${SERVICE_ROOT}/`))
    .join(':');
}

/** The settings file of `srt`: writes only to the checkout and scratch, reads denied as the policy says. */
export function srtSettings(policy: SandboxPolicy) {
  return {
    network: { allowedDomains: policy.allowedDomains, deniedDomains: [], strictAllowlist: true },
    filesystem: {
      denyRead: policy.denyRead,
      allowRead: policy.allowRead,
      allowWrite: [policy.checkout, policy.scratch],
      denyWrite: [path.join(policy.checkout, '.git'), ...SHARED_WRITABLE],
    },
  };
}

/**
 * Claude Code's `sandbox` setting for its Bash tool: the same boundaries, and no way out of them
 * (no unsandboxed fallback, no start without the sandbox).
 */
export function claudeSandboxSettings(policy: SandboxPolicy) {
  return {
    enabled: true,
    failIfUnavailable: true,
    autoAllowBashIfSandboxed: true,
    allowUnsandboxedCommands: false,
    network: { allowedDomains: policy.allowedDomains },
    filesystem: {
      denyRead: policy.denyRead,
      allowRead: policy.allowRead,
      allowWrite: [policy.checkout, policy.scratch],
      // Claude Code protects the repository's git settings and hooks itself, but lets commands write the
      // machine's shared temp places: not here, where they would outlive the run and reach other runs.
      denyWrite: SHARED_WRITABLE,
    },
  };
}

/**
 * The sandboxed command's whole environment, built from an allow-list: locale and PATH from the
 * worker, every home, temp and cache directory inside scratch, toolchains told to stay offline.
 */
export function sandboxEnvironment(policy: SandboxPolicy, parentEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const) {
    const value = parentEnv[name];
    if (value) env[name] = value;
  }
  const s = (sub: string) => path.join(policy.scratch, sub);
  return {
    ...env,
    PATH: sandboxPath(parentEnv.PATH ?? '') || '/usr/local/bin:/usr/bin:/bin',
    HOME: s('home'),
    TMPDIR: s('tmp'),
    // srt points TMPDIR at a shared /tmp/claude unless told otherwise.
    CLAUDE_CODE_TMPDIR: s('tmp'),
    ...toolchainEnvironment(policy),
  };
}

/** Caches of the common toolchains inside scratch, and told to stay offline when the network is closed. */
export function toolchainEnvironment(policy: SandboxPolicy): Record<string, string> {
  const s = (sub: string) => path.join(policy.scratch, sub);
  const offline = policy.allowedDomains.length === 0;
  return {
    XDG_CACHE_HOME: s('cache'),
    TERM: 'dumb',
    NO_COLOR: '1',
    CI: 'true',
    GOPATH: s('go'),
    GOCACHE: s('go-build'),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
    ...(offline ? { GOPROXY: 'off' } : {}),
    PYTHONDONTWRITEBYTECODE: '1',
    npm_config_cache: s('npm'),
    npm_config_update_notifier: 'false',
    ...(offline ? { npm_config_offline: 'true' } : {}),
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_CLI_HOME: s('home'),
    NUGET_PACKAGES: s('nuget'),
    MAVEN_OPTS: `-Dmaven.repo.local=${s('m2')}`,
  };
}

/** The sub-directories of scratch the environment names. */
export const SCRATCH_DIRS = ['home', 'tmp', 'cache', 'go', 'go-build', 'npm', 'nuget', 'm2'] as const;

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
