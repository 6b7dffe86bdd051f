/**
 * How the Claude Code CLI is confined: what it may see of the environment and which tools
 * it can offer the model.
 *
 * Tool restriction, in layers (checked against CLI 2.1.328 by inspecting the `tools` of the
 * requests it sends, see test/activities/claude/sandbox.test.ts):
 *  1. `--tools` is the real boundary: the CLI offers the model only these built-in tools.
 *     Without it this version offers Agent, Bash, Skill, Workflow, ToolSearch, ... and lists
 *     WebFetch, WebSearch, NotebookEdit, Cron*, Monitor, SendMessage as deferred tools.
 *     `--allowedTools` only pre-approves, it removes nothing.
 *  2. `--disallowedTools` and `permissions.deny` in `--settings` deny the dangerous ones
 *     again, so a future CLI that reads `--tools` differently still cannot offer them.
 *  3. `--restricted` ignores user/project/local settings files (a cloned repository's
 *     .claude/settings.json could otherwise add hooks, i.e. shell commands) and confines the
 *     file tools to the working directory; `--strict-mcp-config` without `--mcp-config`
 *     loads no MCP server; ENABLE_TOOL_SEARCH=false drops deferred tool loading.
 *  4. `--permission-prompts none`: anything that would ask for approval is denied.
 */

import { claudeSandboxSettings, type SandboxPolicy } from '../sandbox/sandbox-policy';

/** Read, search and edit: all a fix needs. MultiEdit is gone in 2.1.x; kept for older CLIs. */
export const ALLOWED_TOOLS = ['Read', 'Grep', 'Glob', 'Edit', 'MultiEdit', 'Write'] as const;

/** Shell, web, sub-agents, scheduling, messaging and notebooks: everything else this CLI knows. */
export const DISALLOWED_TOOLS = [
  'Bash',
  'BashOutput',
  'KillShell',
  'PowerShell',
  'Monitor',
  'WebFetch',
  'WebSearch',
  'Task',
  'Agent',
  'TaskStop',
  'ListAgents',
  'SendMessage',
  'Workflow',
  'Skill',
  'SlashCommand',
  'ToolSearch',
  'ScheduleWakeup',
  'CronCreate',
  'CronDelete',
  'CronList',
  'EnterWorktree',
  'ExitWorktree',
  'NotebookEdit',
  'ReportFindings',
] as const;

/** Variables copied from the parent when present: locale, terminal, time zone and the way out to the API. */
const PASSED_THROUGH = [
  'PATH',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TZ',
  // A corporate proxy or CA is how the CLI reaches the API at all on some networks.
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
] as const;

export interface ClaudeEnvOptions {
  /** Throwaway home directory: the CLI keeps its config, sessions and temp files there. */
  home: string;
  anthropicBaseUrl?: string;
  anthropicApiKey?: string;
  model?: string;
}

/**
 * The CLI's whole environment, built from an allow-list: nothing of the worker's own
 * secrets (GitHub, Slack, Datadog, Temporal, ...) can reach the process or the model.
 */
export function claudeEnvironment(
  opts: ClaudeEnvOptions,
  parentEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = parentEnv[name];
    if (value) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  Object.assign(env, {
    HOME: opts.home,
    CLAUDE_CONFIG_DIR: `${opts.home}/.claude`,
    // Temp files go with the home and are removed with it.
    TMPDIR: opts.home,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_WEB_FETCH: '1',
    ENABLE_TOOL_SEARCH: 'false',
  });
  if (opts.anthropicBaseUrl) env.ANTHROPIC_BASE_URL = opts.anthropicBaseUrl;
  if (opts.anthropicApiKey) env.ANTHROPIC_API_KEY = opts.anthropicApiKey;
  if (opts.model) env.ANTHROPIC_MODEL = opts.model;
  return env;
}

/** Settings passed with `--settings`, which `--restricted` still honours (unlike settings files). */
export const CLAUDE_SETTINGS = {
  permissions: { deny: [...DISALLOWED_TOOLS] },
  disableAllHooks: true,
  enableAllProjectMcpServers: false,
} as const;

/**
 * With a sandbox, Bash joins the tools: every command runs under bubblewrap with the policy's
 * boundaries (activities/sandbox/sandbox-policy.ts), never outside it.
 */
function toolsAndSettings(sandbox: SandboxPolicy | undefined, apiKeyHelper: string | undefined) {
  if (!sandbox) return { tools: [...ALLOWED_TOOLS], settings: CLAUDE_SETTINGS, denied: [...DISALLOWED_TOOLS] };
  const denied = DISALLOWED_TOOLS.filter((t) => t !== 'Bash');
  return {
    tools: [...ALLOWED_TOOLS, 'Bash'],
    settings: {
      ...CLAUDE_SETTINGS,
      permissions: { deny: denied },
      sandbox: claudeSandboxSettings(sandbox),
      ...(apiKeyHelper ? { apiKeyHelper } : {}),
    },
    denied,
  };
}

/** Arguments for a headless run: prompt on stdin, one JSON result on stdout. */
export function claudeArgs(opts: {
  maxTurns: number;
  maxBudgetUsd?: number;
  model?: string;
  sandbox?: SandboxPolicy;
  /**
   * With Bash, the API key comes from this command (run by the CLI itself, outside the sandbox) instead
   * of the environment, which Bash commands inherit.
   */
  apiKeyHelper?: string;
}): string[] {
  const { tools, settings, denied } = toolsAndSettings(opts.sandbox, opts.apiKeyHelper);
  return [
    '-p',
    '--output-format',
    'json',
    '--max-turns',
    String(opts.maxTurns),
    ...(opts.maxBudgetUsd ? ['--max-budget-usd', String(opts.maxBudgetUsd)] : []),
    '--permission-mode',
    'acceptEdits',
    '--permission-prompts',
    'none',
    '--tools',
    tools.join(','),
    '--allowedTools',
    tools.join(','),
    '--disallowedTools',
    denied.join(','),
    '--settings',
    JSON.stringify(settings),
    '--restricted',
    '--strict-mcp-config',
    '--disable-slash-commands',
    '--no-session-persistence',
    ...(opts.model ? ['--model', opts.model] : []),
  ];
}
