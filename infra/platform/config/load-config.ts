import { z } from 'zod';
import { parseDuration } from './duration';
import { escalationConfigFrom, type EscalationConfig } from './escalation-config';
import type { TestPolicy } from '../../../workflows/domain/test-evidence';
import { JIRA_CONFIG_FALLBACK, jiraConfigFrom, type JiraConfig } from './jira-config';
import { SCHEDULE_CONFIG_FALLBACK, scheduleConfigFrom, type ScheduleConfig } from './debt-scan-config';
import { rollbackConfigFrom, ROLLBACK_CONFIG_FALLBACK, type RollbackConfig } from './rollback-config';
import { DEFAULT_DATADOG_METRICS, datadogMetricsFrom, type DatadogMetricQueries } from './datadog-metrics-config';

/**
 * The whole configuration of the service, from `temporal.config.json` and the
 * environment (which wins). `loadConfig` is pure: same inputs, same result, and
 * every problem is reported at once with the key or variable that caused it.
 */
export interface Config {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** Runs are `<prefix>-<service>-<fingerprint>`. */
    workflowIdPrefix: string;
    uiUrl: string;
    apiKey?: string;
    tls?: {
      clientCertPath?: string;
      clientKeyPath?: string;
      serverRootCaCertPath?: string;
      serverNameOverride?: string;
    };
  };
  /** The embedded Temporal CLI dev server; `enabled` is false when an external cluster is configured. */
  devServer: {
    enabled: boolean;
    cliPath?: string;
    cliVersion: string;
    dbFilename: string;
    uiPort: number;
    logLevel: 'debug' | 'info' | 'warn' | 'error';
  };
  /**
   * `adminToken` guards /metrics and /selftest; without it they answer loopback clients only.
   * `admin`: the admin listener (the report page), apart from the public ingress; `publicUrl` is
   * where people open it (ADMIN_PUBLIC_URL, else its own address when its port is fixed).
   */
  api: {
    port: number;
    host: string;
    publicUrl: string;
    adminToken?: string;
    admin: { port: number; host: string; publicUrl?: string };
  };
  /** Bounds on one webhook delivery: rows read from its sample, unique errors it may start or signal. */
  ingress: { maxRowsPerDelivery: number; maxErrorsPerDelivery: number };
  /** `metrics`: the queries that measure a deploy (datadog-metrics-config.ts); absent, the defaults. */
  datadog: {
    site: string;
    apiUrl?: string;
    apiKey?: string;
    appKey?: string;
    webhookToken?: string;
    metrics?: DatadogMetricQueries;
  };
  /** Who may decide: `approverUserIds` (`*` for anyone in the channel); protected-path fixes need `protectedPathApproverUserIds`. */
  slack: {
    botToken?: string;
    channel?: string;
    apiUrl?: string;
    signingSecret?: string;
    approverUserIds: string[];
    protectedPathApproverUserIds: string[];
  };
  git: { repoUrl?: string; branch: string; token?: string; cacheDir: string };
  claude: {
    path?: string;
    anthropicBaseUrl?: string;
    anthropicApiKey?: string;
    model?: string;
    maxTurns: number;
    timeoutMs: number;
    /** Claude Code's own stop for one session (--max-budget-usd). */
    maxBudgetUsd: number;
    /** Claude Code sessions one worker runs at once; the rest wait in the task queue. */
    maxConcurrent: number;
    /** CLAUDE_SANDBOX: Claude may run the tests with Bash, inside the sandbox; off leaves it read/edit-only. */
    sandbox: boolean;
  };
  /**
   * The regression test before approval: the application's tests run in the sandbox on the deployed
   * commit and with the fix. `command` undefined: detected from the repository.
   */
  tests: {
    policy: TestPolicy;
    command?: string;
    timeoutMs: number;
    cpuSeconds: number;
    maxOutputBytes: number;
    /** Hosts the tests may reach (a registry mirror); none by default. */
    allowedDomains: string[];
    /** Fix attempts when the tests say a fix is wrong (breaks tests, or its own test still fails). */
    maxAttempts: number;
  };
  /**
   * Triage before a fix: a cheap model classifies each unique error; non-code errors go to people.
   * `minConfidence`: a non-code verdict less sure than this still gets a fix attempt.
   */
  triage: { enabled: boolean; model: string; minConfidence: number };
  /** What all runs may spend on Claude Code in a UTC day, in all and per service; and the pause after a no. */
  budget: { dailyUsd: number; serviceDailyUsd: number; cooldownMs: number };
  approval: { timeoutMs: number; reminderIntervalMs: number };
  /**
   * How an approved fix becomes a pull request, and which fixes may be approved at all: one that
   * touches protected paths is refused, or (`separate-approval`) needs a protected-path approver.
   */
  fix: {
    applyMode: 'direct' | 'cursor-api' | 'cursor-slack';
    protectedPaths: ProtectedPathsPolicy;
    extraProtectedPaths: string[];
    maxDiffBytes: number;
  };
  /** `webUrl` is where repositories live for people and Cursor (github.com, or the GitHub Enterprise host). */
  github: {
    token?: string;
    apiUrl?: string;
    webUrl: string;
    webhookSecret?: string;
    repository?: string;
    deployEnvironment: string;
  };
  cursor: { apiKey?: string; apiUrl: string; webhookSecret?: string };
  jira: JiraConfig;
  /** After a deploy: new errors the fix causes (ROLLBACK_*) and its before/after figures (IMPACT_WINDOW). */
  afterDeploy: RollbackConfig;
  /** Waits after approval, all owned by the workflow; `outage*`: how long a service may be down before a run gives up. */
  tracking: {
    outageToleranceMs: number;
    outageMaxRetryIntervalMs: number;
    prWaitTimeoutMs: number;
    deployTimeoutMs: number;
    verifyWindowMs: number;
    pollIntervalMs: number;
    maxPollIntervalMs: number;
  };
  /** `pretty` on a terminal by default (LOG_FORMAT=auto); log shippers get JSON. */
  log: { level: LogLevel; format: LogFormat };
  /**
   * `metricsAddress` undefined: no Prometheus endpoint. `maxCachedWorkflows`: runs kept in memory between
   * their tasks; a run past it (most are parked, waiting for a human) is replayed from its history when it moves.
   */
  worker: {
    maxConcurrentActivities: number;
    maxCachedWorkflows: number;
    maxConcurrentWorkflowTasks: number;
    metricsAddress?: string;
  };
  /** Escalation policies per service, PagerDuty and CODEOWNERS → Slack (escalation-config.ts). */
  escalation: EscalationConfig;
  /** The on-call CLI: how long it waits on Temporal for one answer (BUGFIX_CLI_TIMEOUT), so a stuck server still gets a reply. */
  cli: { timeoutMs: number };
  /** Temporal Schedules: technical-debt scans per repository, the weekly report digest (debt-scan-config.ts). */
  schedules: ScheduleConfig;
}

export type ProtectedPathsPolicy = 'refuse' | 'separate-approval';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_WORKER_METRICS_ADDRESS = '127.0.0.1:9464';
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** LOG_FORMAT: `json` (one JSON object a line), `pretty` (readable lines), `auto` (pretty on a terminal, else JSON). */
export function logFormatFrom(env: Env): LogFormat {
  const format = (env.LOG_FORMAT ?? '').trim().toLowerCase() || 'auto';
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError([`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got "${env.LOG_FORMAT}")`]);
  }
  return format as LogFormat;
}

/** LOG_LEVEL, checked: a typo must fail at start, not turn logging off. Also used by the logger before the config is loaded. */
export function logLevelFrom(env: Env): LogLevel {
  const level = (env.LOG_LEVEL ?? '').trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new ConfigError([`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`]);
  return level as LogLevel;
}

/** WORKER_METRICS_ADDRESS: host:port of the worker's Prometheus endpoint; `off` turns it off. */
export function workerMetricsAddressFrom(env: Env): string | undefined {
  const value = env.WORKER_METRICS_ADDRESS?.trim() || DEFAULT_WORKER_METRICS_ADDRESS;
  if (value.toLowerCase() === 'off') return undefined;
  const port = Number(/:(\d+)$/.exec(value)?.[1]);
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d+$/.test(value) || port > 65535) {
    throw new ConfigError([
      `WORKER_METRICS_ADDRESS must be host:port (for example ${DEFAULT_WORKER_METRICS_ADDRESS}) or "off" (got "${value}")`,
    ]);
  }
  return value;
}

/** Where people open a repository: github.com for the public API, the Enterprise host for `https://ghe.example/api/v3`. */
export function githubWebUrl(apiUrl: string | undefined): string {
  if (!apiUrl) return 'https://github.com';
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api(?:\/v3)?$/, '');
  return `${url.protocol}//${url.host.replace(/^api\./, '')}${path}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const fileSchema = z
  .object({
    temporal: z
      .object({
        address: hostPort,
        namespace: z.string().min(1),
        taskQueue: z.string().min(1),
        uiUrl: httpUrl,
        apiKey: z.string().min(1).optional(),
        tls: z
          .object({
            clientCertPath: z.string().min(1).optional(),
            clientKeyPath: z.string().min(1).optional(),
            serverRootCaCertPath: z.string().min(1).optional(),
            serverNameOverride: z.string().min(1).optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    devServer: z
      .object({
        enabled: z.boolean(),
        cliVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'expected a version like 1.5.1'),
        dbFilename: z.string().min(1),
        uiPort: z.number().int().min(1).max(65535),
        logLevel: z.enum(['debug', 'info', 'warn', 'error']),
      })
      .strict(),
  })
  .strict();

type Env = Record<string, string | undefined>;

/** Reads and validates configuration from the parsed config file, an environment and the files it names. */
export function loadConfig(file: unknown, env: Env, files: { escalationPolicies?: string } = {}): Config {
  const problems: string[] = [];
  const parsed = fileSchema.safeParse(file);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(root)';
      const detail = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
      problems.push(`temporal.config.json: ${key}: ${detail}`);
    }
    throw new ConfigError(problems);
  }
  const f = parsed.data;

  const str = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const check = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    problems.push(`${name}=${JSON.stringify(raw)}: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
    return fallback;
  };
  const usd = (name: string, fallback: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/^\$/, ''));
    if (Number.isFinite(n) && n > 0) return n;
    problems.push(`${name}=${JSON.stringify(raw)}: expected an amount of US dollars above 0, such as 5 or 2.50`);
    return fallback;
  };
  const duration = (name: string, fallback: string): number => {
    const raw = str(name) ?? fallback;
    const ms = parseDuration(raw);
    if (ms !== undefined) return ms;
    problems.push(`${name}=${JSON.stringify(raw)}: expected a duration such as 30s, 15m, 24h`);
    return 1;
  };

  const externalAddress = check('TEMPORAL_ADDRESS', hostPort, undefined);
  const address = externalAddress ?? f.temporal.address;
  const tlsFile = f.temporal.tls ?? {};
  const tls = {
    clientCertPath: str('TEMPORAL_TLS_CERT_PATH') ?? tlsFile.clientCertPath,
    clientKeyPath: str('TEMPORAL_TLS_KEY_PATH') ?? tlsFile.clientKeyPath,
    serverRootCaCertPath: str('TEMPORAL_TLS_CA_PATH') ?? tlsFile.serverRootCaCertPath,
    serverNameOverride: str('TEMPORAL_TLS_SERVER_NAME') ?? tlsFile.serverNameOverride,
  };
  if (Boolean(tls.clientCertPath) !== Boolean(tls.clientKeyPath)) {
    problems.push('TEMPORAL_TLS_CERT_PATH / TEMPORAL_TLS_KEY_PATH: set both or neither');
  }
  const apiKey = str('TEMPORAL_API_KEY') ?? f.temporal.apiKey;
  const wantsTls = Object.values(tls).some(Boolean) || Boolean(apiKey);

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST') ?? '127.0.0.1';
  const adminPort = int('ADMIN_PORT', 3001, 0, 65535);
  const adminHost = str('ADMIN_HOST') ?? '127.0.0.1';
  if (adminPort !== 0 && adminPort === port) problems.push(`ADMIN_PORT=${adminPort}: must differ from PORT`);
  const adminPublicUrl =
    check('ADMIN_PUBLIC_URL', httpUrl, undefined) ?? (adminPort ? `http://${adminHost}:${adminPort}` : undefined);
  const list = (name: string) =>
    (str(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);

  const githubApiUrl = check('GITHUB_API_URL', httpUrl, undefined);
  const fromEnv = <T>(read: (e: Env) => T, fallback: T): T => {
    try {
      return read(env);
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
      return fallback;
    }
  };

  const metricsAddress = fromEnv(workerMetricsAddressFrom, undefined);
  const escalation = escalationConfigFrom(env, files.escalationPolicies);
  problems.push(...escalation.problems);

  const config: Config = {
    temporal: {
      address,
      namespace: str('TEMPORAL_NAMESPACE') ?? f.temporal.namespace,
      taskQueue: str('TEMPORAL_TASK_QUEUE') ?? f.temporal.taskQueue,
      workflowIdPrefix: check(
        'WORKFLOW_ID_PREFIX',
        z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'expected lowercase letters, digits and dashes'),
        'bugfix',
      ),
      // The embedded dev server serves its UI on devServer.uiPort; an external cluster's UI is configured.
      uiUrl: (
        check('TEMPORAL_UI_URL', httpUrl, undefined) ??
        (f.devServer.enabled && !externalAddress
          ? `http://${address.slice(0, address.lastIndexOf(':'))}:${int('TEMPORAL_UI_PORT', f.devServer.uiPort, 1, 65535)}`
          : f.temporal.uiUrl)
      ).replace(/\/+$/, ''),
      ...(apiKey ? { apiKey } : {}),
      ...(wantsTls ? { tls: Object.fromEntries(Object.entries(tls).filter(([, v]) => v)) } : {}),
    },
    devServer: {
      enabled: f.devServer.enabled && externalAddress === undefined,
      ...(str('TEMPORAL_CLI_PATH') ? { cliPath: str('TEMPORAL_CLI_PATH') } : {}),
      cliVersion: f.devServer.cliVersion,
      dbFilename: str('TEMPORAL_DB_FILENAME') ?? f.devServer.dbFilename,
      uiPort: int('TEMPORAL_UI_PORT', f.devServer.uiPort, 1, 65535),
      logLevel: f.devServer.logLevel,
    },
    api: {
      port,
      host,
      publicUrl: (check('PUBLIC_URL', httpUrl, undefined) ?? `http://${host}:${port}`).replace(/\/+$/, ''),
      ...(str('ADMIN_TOKEN') ? { adminToken: str('ADMIN_TOKEN') } : {}),
      admin: {
        port: adminPort,
        host: adminHost,
        ...(adminPublicUrl ? { publicUrl: adminPublicUrl.replace(/\/+$/, '') } : {}),
      },
    },
    ingress: {
      maxRowsPerDelivery: int('INGRESS_MAX_ROWS', 100, 1, 10_000),
      maxErrorsPerDelivery: int('INGRESS_MAX_ERRORS', 10, 1, 1_000),
    },
    datadog: {
      site: str('DATADOG_SITE') ?? 'datadoghq.com',
      apiUrl: check('DATADOG_API_URL', httpUrl, undefined),
      apiKey: str('DATADOG_API_KEY'),
      appKey: str('DATADOG_APP_KEY'),
      webhookToken: str('DATADOG_WEBHOOK_TOKEN'),
      metrics: fromEnv(datadogMetricsFrom, DEFAULT_DATADOG_METRICS),
    },
    slack: {
      botToken: str('SLACK_BOT_TOKEN'),
      channel: str('SLACK_CHANNEL'),
      apiUrl: check('SLACK_API_URL', httpUrl, undefined),
      signingSecret: str('SLACK_SIGNING_SECRET'),
      approverUserIds: list('APPROVER_SLACK_USER_IDS'),
      protectedPathApproverUserIds: list('PROTECTED_PATH_APPROVER_SLACK_USER_IDS'),
    },
    git: {
      repoUrl: str('GIT_REPO_URL'),
      branch: str('GIT_BRANCH') ?? 'main',
      token: str('GIT_TOKEN'),
      cacheDir: str('GIT_CACHE_DIR') ?? '.data/repos',
    },
    claude: {
      path: str('CLAUDE_CODE_PATH'),
      anthropicBaseUrl: check('ANTHROPIC_BASE_URL', httpUrl, undefined),
      anthropicApiKey: str('ANTHROPIC_API_KEY'),
      model: str('CLAUDE_MODEL'),
      maxTurns: int('CLAUDE_MAX_TURNS', 30, 1, 500),
      timeoutMs: duration('CLAUDE_TIMEOUT', '15m'),
      maxBudgetUsd: usd('CLAUDE_MAX_BUDGET_USD', 5),
      maxConcurrent: int('CLAUDE_MAX_CONCURRENT', 2, 1, 100),
      sandbox: check('CLAUDE_SANDBOX', z.enum(['on', 'off'], { error: 'expected on or off' }), 'on') === 'on',
    },
    tests: {
      policy: check(
        'VERIFY_TEST_POLICY',
        z.enum(['require', 'prefer', 'off'], { error: 'expected require, prefer or off' }),
        'prefer',
      ),
      ...(str('VERIFY_TEST_COMMAND') ? { command: str('VERIFY_TEST_COMMAND') } : {}),
      timeoutMs: duration('VERIFY_TEST_TIMEOUT', '10m'),
      cpuSeconds: int('VERIFY_TEST_CPU_SECONDS', 1_200, 1, 86_400),
      maxOutputBytes: int('VERIFY_TEST_MAX_OUTPUT', 1_000_000, 10_000, 100_000_000),
      allowedDomains: list('VERIFY_TEST_ALLOWED_DOMAINS'),
      maxAttempts: int('VERIFY_TEST_ATTEMPTS', 2, 1, 5),
    },
    triage: {
      enabled: check('TRIAGE', z.enum(['on', 'off'], { error: 'expected on or off' }), 'on') === 'on',
      model: str('TRIAGE_MODEL') ?? 'claude-haiku-4-5',
      minConfidence: check(
        'TRIAGE_MIN_CONFIDENCE',
        z.coerce.number({ error: 'expected a number from 0 to 1' }).min(0).max(1),
        0.7,
      ),
    },
    budget: {
      dailyUsd: usd('CLAUDE_DAILY_BUDGET_USD', 100),
      serviceDailyUsd: usd('CLAUDE_SERVICE_DAILY_BUDGET_USD', 25),
      cooldownMs: duration('FIX_COOLDOWN', '24h'),
    },
    approval: {
      timeoutMs: duration('APPROVAL_TIMEOUT', '24h'),
      reminderIntervalMs: duration('APPROVAL_REMINDER_INTERVAL', '4h'),
    },
    fix: {
      applyMode: check(
        'FIX_APPLY_MODE',
        z.enum(['direct', 'cursor-api', 'cursor-slack'], { error: 'expected direct, cursor-api or cursor-slack' }),
        'direct',
      ),
      protectedPaths: check(
        'PROTECTED_PATHS_POLICY',
        z.enum(['refuse', 'separate-approval'], { error: 'expected refuse or separate-approval' }),
        'refuse',
      ),
      extraProtectedPaths: list('PROTECTED_PATHS'),
      maxDiffBytes: int('FIX_MAX_DIFF_BYTES', 200_000, 1_000, 5_000_000),
    },
    github: {
      token: str('GITHUB_TOKEN'),
      apiUrl: githubApiUrl,
      webUrl: (check('GITHUB_WEB_URL', httpUrl, undefined) ?? githubWebUrl(githubApiUrl)).replace(/\/+$/, ''),
      webhookSecret: str('GITHUB_WEBHOOK_SECRET'),
      repository: check('GITHUB_REPOSITORY', z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'), undefined),
      deployEnvironment: str('DEPLOY_ENVIRONMENT') ?? 'production',
    },
    cursor: {
      apiKey: str('CURSOR_API_KEY'),
      apiUrl: (check('CURSOR_API_URL', httpUrl, undefined) ?? 'https://api.cursor.com').replace(/\/+$/, ''),
      webhookSecret: check(
        'CURSOR_WEBHOOK_SECRET',
        z.string().min(32, 'must be at least 32 characters (Cursor requires it)'),
        undefined,
      ),
    },
    jira: fromEnv(jiraConfigFrom, JIRA_CONFIG_FALLBACK),
    afterDeploy: fromEnv(rollbackConfigFrom, ROLLBACK_CONFIG_FALLBACK),
    tracking: {
      outageToleranceMs: duration('OUTAGE_TOLERANCE', '24h'),
      outageMaxRetryIntervalMs: duration('OUTAGE_RETRY_MAX_INTERVAL', '10m'),
      prWaitTimeoutMs: duration('PR_WAIT_TIMEOUT', '24h'),
      deployTimeoutMs: duration('DEPLOY_TIMEOUT', '2h'),
      verifyWindowMs: duration('VERIFY_WINDOW', '30m'),
      pollIntervalMs: duration('POLL_INTERVAL', '30s'),
      maxPollIntervalMs: duration('POLL_MAX_INTERVAL', '10m'),
    },
    log: { level: fromEnv(logLevelFrom, 'info'), format: fromEnv(logFormatFrom, 'auto') },
    worker: {
      // The activities wait on HTTP and git servers, mostly; Claude Code sessions have their own bound.
      maxConcurrentActivities: int('WORKER_MAX_CONCURRENT_ACTIVITIES', 32, 1, 1000),
      // About 0.4 MiB a cached run: 250 bound the worker's runs to ~100 MB however many are parked.
      maxCachedWorkflows: int('WORKER_MAX_CACHED_WORKFLOWS', 250, 2, 100_000),
      maxConcurrentWorkflowTasks: int('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 40, 2, 1000),
      ...(metricsAddress ? { metricsAddress } : {}),
    },
    escalation: escalation.config,
    cli: { timeoutMs: duration('BUGFIX_CLI_TIMEOUT', '10s') },
    schedules: fromEnv(
      (e) => scheduleConfigFrom(e, { repoUrl: str('GIT_REPO_URL'), branch: str('GIT_BRANCH') ?? 'main' }),
      SCHEDULE_CONFIG_FALLBACK,
    ),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
