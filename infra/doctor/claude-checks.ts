import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultClaudePath } from '../../activities/claude/run-claude';
import { repoRoot } from '../platform/config/read-config';
import type { Config } from '../platform/config/load-config';
import { fail, messageOf, ok, skip, warn, type DoctorCheck, type Outcome } from './check';

const run = promisify(execFile);
const API_HINT = 'check ANTHROPIC_BASE_URL (unset for https://api.anthropic.com) and the network path to it';
const CLI_HINT =
  'set CLAUDE_CODE_PATH to the claude executable, or run npm install (it installs @anthropic-ai/claude-code)';

/** The Claude Code version this project pins (package.json), which its tests run. */
function pinnedVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    return pkg.dependencies?.['@anthropic-ai/claude-code'];
  } catch {
    return undefined;
  }
}

export function claudeChecks(): DoctorCheck[] {
  return [
    {
      id: 'claude.cli',
      group: 'claude',
      fast: true,
      timeoutHint: CLI_HINT,
      async run({ config, signal }) {
        const cli = config.claude.path ?? defaultClaudePath();
        let version: string;
        try {
          version = (await run(cli, ['--version'], { signal })).stdout.trim().split('\n')[0] ?? '';
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') return fail(`no Claude Code CLI at ${cli}`, CLI_HINT);
          if (code === 'EACCES') return fail(`${cli} is not executable`, `chmod +x it, or ${CLI_HINT}`);
          return fail(`${cli} --version failed: ${messageOf(err)}`, CLI_HINT);
        }
        const pinned = pinnedVersion();
        if (pinned && !version.startsWith(pinned))
          return warn(
            `${version} at ${cli}; the pipeline is tested with ${pinned}`,
            `unset CLAUDE_CODE_PATH to use the pinned CLI (node_modules/.bin/claude), or expect differences`,
          );
        return ok(`${version} at ${path.relative(process.cwd(), cli) || cli}`);
      },
    },
    {
      id: 'claude.api',
      group: 'claude',
      fast: false,
      timeoutHint: API_HINT,
      precondition: (config) =>
        config.claude.anthropicApiKey
          ? undefined
          : fail(
              'ANTHROPIC_API_KEY is not set: Claude Code runs with a throwaway home, so no login applies',
              'set ANTHROPIC_API_KEY (console.anthropic.com → API Keys)',
            ),
      async run({ config, signal }) {
        const base = anthropicBase(config);
        const answer = await modelsApi<{ data?: unknown[] }>(config, '?limit=1', signal);
        if ('unreachable' in answer) return answer.unreachable;
        const { res, body, reason } = answer;
        if (res.ok && Array.isArray(body.data)) return ok(`${base} accepted ANTHROPIC_API_KEY (GET /v1/models)`);
        if (res.status === 401)
          return fail(
            `${base} refused ANTHROPIC_API_KEY: HTTP 401${reason}`,
            'set ANTHROPIC_API_KEY to a valid API key',
          );
        if (res.status === 403)
          return fail(
            `${base}: HTTP 403${reason}`,
            "check the key's workspace permissions and the organization's billing (console.anthropic.com)",
          );
        return fail(`${base}/v1/models: HTTP ${res.status}${reason}`, API_HINT);
      },
    },
    {
      id: 'claude.models',
      group: 'claude',
      fast: false,
      timeoutHint: API_HINT,
      precondition: (config) => {
        if (!config.claude.anthropicApiKey) return skip('no ANTHROPIC_API_KEY to ask with (see claude.api)');
        if (!modelsOf(config).length) return skip("CLAUDE_MODEL unset (the CLI's default model) and triage off");
        return undefined;
      },
      async run({ config, signal }) {
        const base = anthropicBase(config);
        const found: string[] = [];
        // A misspelt model fails the first alert's session: ask the Models API for each one by id or alias.
        for (const { name, model } of modelsOf(config)) {
          const answer = await modelsApi<{ id?: string }>(config, `/${encodeURIComponent(model)}`, signal);
          if ('unreachable' in answer) return answer.unreachable;
          const { res, body, reason } = answer;
          // A refused key is claude.api's failure; this check cannot tell anything more.
          if (res.status === 401 || res.status === 403)
            return skip(`${base} refused the key (HTTP ${res.status}): see claude.api`);
          if (res.status === 404)
            return fail(
              `${name}=${model} is not a model ${base} knows${reason}`,
              `set ${name} to a model id or alias that GET ${base}/v1/models lists (e.g. claude-sonnet-4-5), or unset it`,
            );
          if (!res.ok || !body.id) return fail(`${base}/v1/models/${model}: HTTP ${res.status}${reason}`, API_HINT);
          found.push(body.id === model ? `${name}=${model}` : `${name}=${model} (${body.id})`);
        }
        return ok(found.join(', '));
      },
    },
  ];
}

const anthropicBase = (config: Config) =>
  (config.claude.anthropicBaseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '');

/**
 * GET /v1/models{path} with the key: the Models API costs nothing and authenticates like a message
 * would. The answer with its body and the API's error as " (type: message)", or the failure to reach it.
 */
async function modelsApi<T>(
  config: Config,
  path: string,
  signal: AbortSignal,
): Promise<
  | { res: Response; body: T & { error?: { type?: string; message?: string } }; reason: string }
  | { unreachable: Outcome }
> {
  const base = anthropicBase(config);
  let res: Response;
  try {
    res = await fetch(`${base}/v1/models${path}`, {
      headers: { 'x-api-key': config.claude.anthropicApiKey!, 'anthropic-version': '2023-06-01' },
      signal,
    });
  } catch (err) {
    return { unreachable: fail(`${base}: ${messageOf(err)}`, API_HINT) };
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: { type?: string; message?: string } };
  return { res, body, reason: body.error ? ` (${body.error.type}: ${body.error.message})` : '' };
}

/** The models the pipeline names (the fix sessions' CLAUDE_MODEL, triage's TRIAGE_MODEL), by variable. */
function modelsOf(config: Config): { name: string; model: string }[] {
  return [
    ...(config.claude.model ? [{ name: 'CLAUDE_MODEL', model: config.claude.model }] : []),
    ...(config.triage.enabled ? [{ name: 'TRIAGE_MODEL', model: config.triage.model }] : []),
  ];
}
