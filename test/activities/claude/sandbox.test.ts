import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runClaude } from '../../../activities/claude/run-claude';
import { ALLOWED_TOOLS, claudeArgs, claudeEnvironment } from '../../../activities/claude/sandbox';
import {
  deferredToolNames,
  requestText,
  startAnthropicFake,
  toolNames,
  type AnthropicFake,
} from '../../fakes/anthropic-fake';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-planted',
  SLACK_SIGNING_SECRET: 'planted',
  GITHUB_TOKEN: 'ghp_planted',
  GIT_TOKEN: 'planted',
  DATADOG_API_KEY: 'planted',
  DATADOG_APP_KEY: 'planted',
  TEMPORAL_API_KEY: 'planted',
  AWS_SECRET_ACCESS_KEY: 'planted',
  ANTHROPIC_API_KEY: 'sk-ant-parent-key',
  NODE_OPTIONS: '--require /tmp/evil.js',
};

describe('claudeEnvironment', () => {
  it('passes only allow-listed variables and sets the throwaway home and opt-outs', () => {
    const env = claudeEnvironment(
      {
        home: '/tmp/h',
        anthropicBaseUrl: 'http://127.0.0.1:1',
        anthropicApiKey: 'sk-config',
        model: 'claude-sonnet-5-5',
      },
      { PATH: '/usr/bin', LANG: 'C.UTF-8', TZ: 'UTC', HOME: '/root', ...SECRETS },
    );
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      HOME: '/tmp/h',
      TMPDIR: '/tmp/h',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      ANTHROPIC_API_KEY: 'sk-config',
      ANTHROPIC_MODEL: 'claude-sonnet-5-5',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    });
    for (const name of Object.keys(SECRETS)) if (name !== 'ANTHROPIC_API_KEY') expect(env).not.toHaveProperty(name);
    expect(Object.values(env).join('\n')).not.toMatch(/planted|sk-ant-parent-key/);
  });

  it('leaves the API key and model out when the config has none', () => {
    const env = claudeEnvironment({ home: '/tmp/h' }, { PATH: '/bin', ...SECRETS });
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(env).not.toHaveProperty('ANTHROPIC_MODEL');
    expect(env).not.toHaveProperty('ANTHROPIC_BASE_URL');
  });
});

describe('the real CLI run with claudeArgs', () => {
  let fake: AnthropicFake | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('offers the model no shell, web, sub-agent or MCP tool and refuses them when called anyway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-cwd-'));
    const home = await mkdtemp(join(tmpdir(), 'sandbox-home-'));
    const outside = await mkdtemp(join(tmpdir(), 'sandbox-outside-'));
    dirs.push(dir, home, outside);
    await writeFile(join(dir, 'notes.txt'), 'hello\n');
    const pwned = join(outside, 'pwned');

    fake = await startAnthropicFake([
      () => ({ type: 'tool_use', name: 'Bash', input: { command: `touch ${pwned}`, description: 'x' } }),
      () => ({ type: 'tool_use', name: 'WebFetch', input: { url: 'http://127.0.0.1:9/', prompt: 'x' } }),
      () => ({
        type: 'tool_use',
        name: 'Agent',
        input: { description: 'x', prompt: `touch ${pwned}`, subagent_type: 'general-purpose' },
      }),
      () => ({ type: 'tool_use', name: 'Write', input: { file_path: pwned, content: 'x' } }),
      () => 'done',
    ]);
    const run = await runClaude({
      cwd: dir,
      prompt: 'Look at notes.txt',
      env: claudeEnvironment({ home, anthropicBaseUrl: fake.url, anthropicApiKey: 'sk-ant-fake' }),
      args: claudeArgs({ maxTurns: 10 }),
      timeoutMs: 60_000,
    });
    expect(run.result).toBe('done');

    const turns = fake.turnRequests();
    expect(turns).toHaveLength(5);
    for (const req of turns) {
      const offered = toolNames(req);
      expect(offered).toEqual(expect.arrayContaining(['Read', 'Edit', 'Grep', 'Glob', 'Write']));
      expect(offered.filter((t) => !(ALLOWED_TOOLS as readonly string[]).includes(t))).toEqual([]);
      expect(offered.some((t) => t.startsWith('mcp__'))).toBe(false);
      expect(deferredToolNames(req)).toEqual([]);
    }
    // Each forbidden call came back to the model as an error, and nothing happened outside.
    const results = turns.slice(1).map((req) => requestText({ messages: req.body?.messages?.slice(-1) }));
    expect(results[0]).toMatch(/No such tool available: Bash/);
    expect(results[1]).toMatch(/No such tool available: WebFetch/);
    expect(results[2]).toMatch(/No such tool available: Agent/);
    await expect(access(pwned)).rejects.toThrow();
    expect(
      (run.raw as { permission_denials: { tool_name: string }[] }).permission_denials.map((d) => d.tool_name),
    ).toContain('Write');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('hello\n');
  });
});
