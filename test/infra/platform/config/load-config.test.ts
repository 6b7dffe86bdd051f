import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../infra/platform/config/load-config';
import { repoRoot } from '../../../../infra/platform/config/read-config';

const shipped = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
const withFile = (patch: (f: typeof shipped) => void) => {
  const copy = structuredClone(shipped);
  patch(copy);
  return copy;
};
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('reads the shipped file: embedded dev server, default task queue, API on 3000', () => {
    const c = loadConfig(shipped, {});
    expect(c.devServer.enabled).toBe(true);
    expect(c.temporal).toMatchObject({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'bugfix-pipeline',
      uiUrl: 'http://127.0.0.1:8233',
    });
    expect(c.api.port).toBe(3000);
    expect(c.approval).toEqual({ timeoutMs: 24 * 3_600_000, reminderIntervalMs: 4 * 3_600_000 });
    expect(c.cli).toEqual({ timeoutMs: 10_000 });
    expect(loadConfig(shipped, { BUGFIX_CLI_TIMEOUT: '3s' }).cli).toEqual({ timeoutMs: 3_000 });
  });

  it('environment overrides the file; TEMPORAL_ADDRESS means an external cluster, so no dev server', () => {
    const c = loadConfig(shipped, {
      TEMPORAL_ADDRESS: 'temporal.prod:7233',
      TEMPORAL_NAMESPACE: 'bugs',
      TEMPORAL_TASK_QUEUE: 'q',
      PORT: '8080',
      TEMPORAL_UI_URL: 'https://ui.example/',
    });
    expect(c.devServer.enabled).toBe(false);
    expect(c.temporal).toMatchObject({
      address: 'temporal.prod:7233',
      namespace: 'bugs',
      taskQueue: 'q',
      uiUrl: 'https://ui.example',
    });
    expect(c.api.port).toBe(8080);
  });

  it('Temporal Cloud: an API key turns TLS on', () => {
    const c = loadConfig(shipped, { TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' });
    expect(c.temporal.apiKey).toBe('k');
    expect(c.temporal.tls).toEqual({});
  });

  it.each([
    ['temporal.namespace', (f: typeof shipped) => (f.temporal!.namespace = 42)],
    ['temporal.address', (f: typeof shipped) => (f.temporal!.address = 'no-port')],
    ['devServer.uiPort', (f: typeof shipped) => (f.devServer!.uiPort = 70000)],
    ['devServer.logLevel', (f: typeof shipped) => (f.devServer!.logLevel = 'loud')],
    ['temporal.taskQueue', (f: typeof shipped) => delete f.temporal!.taskQueue],
    ['devServer', (f: typeof shipped) => (f.devServer!.colour = 'blue')],
  ])('a wrong %s in temporal.config.json fails naming the key', (key, patch) => {
    const problems = problemsOf(() => loadConfig(withFile(patch), {}));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`temporal.config.json: ${key}`);
  });

  it('bad environment values are all reported, each by name', () => {
    const problems = problemsOf(() =>
      loadConfig(shipped, {
        PORT: 'eighty',
        TEMPORAL_ADDRESS: 'nope',
        APPROVAL_TIMEOUT: 'soon',
        SLACK_API_URL: 'ftp://x',
      }),
    );
    expect(problems.map((p) => p.split('=')[0])).toEqual([
      'TEMPORAL_ADDRESS',
      'PORT',
      'SLACK_API_URL',
      'APPROVAL_TIMEOUT',
    ]);
  });

  it('the admin listener: loopback on 3001 by default, its own port and public URL when set', () => {
    expect(loadConfig(shipped, {}).api.admin).toEqual({
      port: 3001,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:3001',
    });
    // An ephemeral port has no address to link to until it listens.
    expect(loadConfig(shipped, { ADMIN_PORT: '0' }).api.admin).toEqual({ port: 0, host: '127.0.0.1' });
    expect(
      loadConfig(shipped, { ADMIN_PORT: '9100', ADMIN_HOST: '0.0.0.0', ADMIN_PUBLIC_URL: 'https://admin.acme.test/' })
        .api.admin,
    ).toEqual({ port: 9100, host: '0.0.0.0', publicUrl: 'https://admin.acme.test' });
    const problems = problemsOf(() =>
      loadConfig(shipped, { PORT: '4000', ADMIN_PORT: '4000', ADMIN_PUBLIC_URL: 'admin.acme.test' }),
    );
    expect(problems.map((p) => p.split('=')[0])).toEqual(['ADMIN_PORT', 'ADMIN_PUBLIC_URL']);
    expect(problemsOf(() => loadConfig(shipped, { ADMIN_PORT: '70000' }))[0]).toMatch(/^ADMIN_PORT="70000": expected/);
  });

  it('parses durations and approver lists', () => {
    const c = loadConfig(shipped, {
      APPROVAL_TIMEOUT: '90s',
      APPROVAL_REMINDER_INTERVAL: '250ms',
      APPROVER_SLACK_USER_IDS: 'U1, U2,,',
    });
    expect(c.approval).toEqual({ timeoutMs: 90_000, reminderIntervalMs: 250 });
    expect(c.slack.approverUserIds).toEqual(['U1', 'U2']);
  });
});

describe('loadConfig: logging, the worker and GitHub hosts', () => {
  it('LOG_LEVEL: info by default, case-insensitive, refused when it does not exist', () => {
    expect(loadConfig(shipped, {}).log.level).toBe('info');
    expect(loadConfig(shipped, { LOG_LEVEL: 'WARN' }).log.level).toBe('warn');
    expect(problemsOf(() => loadConfig(shipped, { LOG_LEVEL: 'verbose' }))).toEqual([
      expect.stringMatching(/^LOG_LEVEL must be one of trace, debug, info/),
    ]);
  });

  it('WORKER_METRICS_ADDRESS: loopback 9464 by default, host:port, "off" for none, anything else refused by name', () => {
    expect(loadConfig(shipped, {}).worker.metricsAddress).toBe('127.0.0.1:9464');
    expect(loadConfig(shipped, { WORKER_METRICS_ADDRESS: '[::1]:9100' }).worker.metricsAddress).toBe('[::1]:9100');
    expect(loadConfig(shipped, { WORKER_METRICS_ADDRESS: 'off' }).worker.metricsAddress).toBeUndefined();
    for (const bad of ['9464', 'http://127.0.0.1:9464', '127.0.0.1:99999', '127.0.0.1:']) {
      expect(
        problemsOf(() => loadConfig(shipped, { WORKER_METRICS_ADDRESS: bad })),
        bad,
      ).toEqual([expect.stringMatching(/^WORKER_METRICS_ADDRESS must be host:port/)]);
    }
  });

  it('WORKER_MAX_CONCURRENT_ACTIVITIES: 32 by default, a positive integer', () => {
    expect(loadConfig(shipped, {}).worker.maxConcurrentActivities).toBe(32);
    expect(loadConfig(shipped, { WORKER_MAX_CONCURRENT_ACTIVITIES: '2' }).worker.maxConcurrentActivities).toBe(2);
    expect(problemsOf(() => loadConfig(shipped, { WORKER_MAX_CONCURRENT_ACTIVITIES: '0' }))).toEqual([
      expect.stringContaining('WORKER_MAX_CONCURRENT_ACTIVITIES'),
    ]);
  });

  it('WORKER_MAX_CACHED_WORKFLOWS: 250 by default, at least 2; WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 40', () => {
    expect(loadConfig(shipped, {}).worker).toMatchObject({ maxCachedWorkflows: 250, maxConcurrentWorkflowTasks: 40 });
    const set = { WORKER_MAX_CACHED_WORKFLOWS: '2', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '8' };
    expect(loadConfig(shipped, set).worker).toMatchObject({ maxCachedWorkflows: 2, maxConcurrentWorkflowTasks: 8 });
    // The SDK cannot run with a cache of one: it is either off (0, never wanted here) or at least 2.
    expect(problemsOf(() => loadConfig(shipped, { WORKER_MAX_CACHED_WORKFLOWS: '1' }))).toEqual([
      expect.stringContaining('WORKER_MAX_CACHED_WORKFLOWS'),
    ]);
  });

  it("the repository's web host follows GITHUB_API_URL (GitHub Enterprise), unless GITHUB_WEB_URL says otherwise", () => {
    expect(loadConfig(shipped, {}).github.webUrl).toBe('https://github.com');
    expect(loadConfig(shipped, { GITHUB_API_URL: 'https://api.github.com' }).github.webUrl).toBe('https://github.com');
    expect(loadConfig(shipped, { GITHUB_API_URL: 'https://ghe.acme.example/api/v3' }).github.webUrl).toBe(
      'https://ghe.acme.example',
    );
    expect(loadConfig(shipped, { GITHUB_API_URL: 'https://api.ghe.acme.example' }).github.webUrl).toBe(
      'https://ghe.acme.example',
    );
    expect(
      loadConfig(shipped, { GITHUB_API_URL: 'http://127.0.0.1:9000/api/v3', GITHUB_WEB_URL: 'http://127.0.0.1:9001/' })
        .github.webUrl,
    ).toBe('http://127.0.0.1:9001');
  });
});

describe('loadConfig: ingress bounds', () => {
  it('INGRESS_MAX_ROWS and INGRESS_MAX_ERRORS: 100 and 10 by default, positive integers', () => {
    expect(loadConfig(shipped, {}).ingress).toEqual({ maxRowsPerDelivery: 100, maxErrorsPerDelivery: 10 });
    expect(loadConfig(shipped, { INGRESS_MAX_ROWS: '5', INGRESS_MAX_ERRORS: '2' }).ingress).toEqual({
      maxRowsPerDelivery: 5,
      maxErrorsPerDelivery: 2,
    });
    expect(problemsOf(() => loadConfig(shipped, { INGRESS_MAX_ERRORS: '0' }))).toEqual([
      expect.stringContaining('INGRESS_MAX_ERRORS'),
    ]);
  });
});

describe('loadConfig: what a fix may carry and cost', () => {
  it('protected paths refused by default; separate approval by its own list; extra globs', () => {
    const c = loadConfig(shipped, {});
    expect(c.fix).toMatchObject({ protectedPaths: 'refuse', extraProtectedPaths: [], maxDiffBytes: 200_000 });
    expect(c.slack.protectedPathApproverUserIds).toEqual([]);
    const s = loadConfig(shipped, {
      PROTECTED_PATHS_POLICY: 'separate-approval',
      PROTECTED_PATH_APPROVER_SLACK_USER_IDS: 'USEC1, USEC2',
      PROTECTED_PATHS: 'src/payments/**, db/migrations/**',
    });
    expect(s.fix.protectedPaths).toBe('separate-approval');
    expect(s.fix.extraProtectedPaths).toEqual(['src/payments/**', 'db/migrations/**']);
    expect(s.slack.protectedPathApproverUserIds).toEqual(['USEC1', 'USEC2']);
    expect(problemsOf(() => loadConfig(shipped, { PROTECTED_PATHS_POLICY: 'allow' }))).toEqual([
      'PROTECTED_PATHS_POLICY="allow": expected refuse or separate-approval',
    ]);
  });

  it('budgets in dollars, a concurrency cap, a cooldown and an outage tolerance; bad values named', () => {
    const c = loadConfig(shipped, {});
    expect(c.claude).toMatchObject({ maxBudgetUsd: 5, maxConcurrent: 2 });
    expect(c.budget).toEqual({ dailyUsd: 100, serviceDailyUsd: 25, cooldownMs: 86_400_000 });
    expect(c.tracking).toMatchObject({ outageToleranceMs: 86_400_000, outageMaxRetryIntervalMs: 600_000 });
    const s = loadConfig(shipped, { CLAUDE_DAILY_BUDGET_USD: '$12.50', FIX_COOLDOWN: '2h', OUTAGE_TOLERANCE: '3d' });
    expect(s.budget).toMatchObject({ dailyUsd: 12.5, cooldownMs: 7_200_000 });
    expect(s.tracking.outageToleranceMs).toBe(3 * 86_400_000);
    const problems = problemsOf(() =>
      loadConfig(shipped, {
        CLAUDE_MAX_BUDGET_USD: 'lots',
        CLAUDE_SERVICE_DAILY_BUDGET_USD: '0',
        CLAUDE_MAX_CONCURRENT: '0',
      }),
    );
    expect(problems.map((p) => p.split('=')[0])).toEqual([
      'CLAUDE_MAX_BUDGET_USD',
      'CLAUDE_MAX_CONCURRENT',
      'CLAUDE_SERVICE_DAILY_BUDGET_USD',
    ]);
    expect(problems[0]).toMatch(/expected an amount of US dollars above 0/);
  });
});
