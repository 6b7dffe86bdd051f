import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, SLACK_CHANNEL, type E2E } from '../../support/e2e';
import { DEFAULT_BOT_SCOPES, SlackFake } from '../../fakes/slack-fake';
import { startGitHubFake, type GitHubFake } from '../../fakes/github-fake';
import { startAnthropicFake, type AnthropicFake } from '../../fakes/anthropic-fake';
import { doctor, doctorEnv, expectBroken } from './run-doctor-cli';

/**
 * Each integration broken in turn, the way setting the pipeline up for real breaks it: doctor names
 * the check, says what to fix and exits 1, while every other check still passes.
 */
describe('bugfix doctor: each integration broken in turn', () => {
  let e: E2E;
  /** An app installed from an old manifest: no files:write; and a channel the bot was never invited to. */
  let oldSlackApp: SlackFake;
  let prsReadOnly: GitHubFake;
  let readOnlyUser: GitHubFake;
  let anthropic: AnthropicFake;
  let contentsReadOnly: GitHubFake;
  const run = (env: Record<string, string>) => doctor(doctorEnv(e, env));

  beforeAll(async () => {
    e = await startE2E();
    const repo = { owner: 'acme', repo: 'shop-api', bareRepoPath: e.git.repoPath('shop-api') };
    [oldSlackApp, prsReadOnly, readOnlyUser, anthropic, contentsReadOnly] = await Promise.all([
      SlackFake.start({
        scopes: DEFAULT_BOT_SCOPES.filter((s) => s !== 'files:write'),
        channels: [
          { id: SLACK_CHANNEL, name: 'bugs' },
          { id: 'C0ELSEWHR1', name: 'elsewhere', isMember: false },
        ],
      }),
      startGitHubFake({
        ...repo,
        token: 'github_pat_prs_read_only',
        grant: {
          kind: 'fine-grained',
          role: 'write',
          permissions: { contents: 'write', deployments: 'read', pull_requests: 'read' },
        },
      }),
      startGitHubFake({ ...repo, grant: { kind: 'classic', scopes: ['repo'], role: 'read' } }),
      startAnthropicFake([], { apiKey: 'sk-ant-the-right-key' }),
      startGitHubFake({
        ...repo,
        token: 'github_pat_contents_read_only',
        grant: {
          kind: 'fine-grained',
          role: 'write',
          permissions: { contents: 'read', deployments: 'read', pull_requests: 'write' },
        },
      }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([
      oldSlackApp?.close(),
      prsReadOnly?.close(),
      readOnlyUser?.close(),
      anthropic?.close(),
      contentsReadOnly?.close(),
    ]);
    await e?.close();
  });

  it('Slack: a wrong token, a missing scope, an unknown channel, a channel the bot is not in', async () => {
    const old = { SLACK_API_URL: oldSlackApp.apiUrl, SLACK_BOT_TOKEN: oldSlackApp.token };
    const [token, scope, channel, notInvited] = await Promise.all([
      run({ SLACK_BOT_TOKEN: 'xoxb-revoked-token' }),
      run(old),
      run({ SLACK_CHANNEL: 'C0NOSUCH01' }),
      run({ ...old, SLACK_CHANNEL: 'C0ELSEWHR1' }),
    ]);
    expectBroken(token, { 'slack.auth': /SLACK_BOT_TOKEN/ });
    expect(token.find('slack.auth').detail).toBe('auth.test: invalid_auth');
    // What needs a working token is not checked, rather than failed a second time.
    expect([token.find('slack.scopes').status, token.find('slack.channel').status]).toEqual(['skip', 'skip']);

    expectBroken(scope, { 'slack.scopes': /files:write.*manifest\.yaml/ });
    expect(scope.find('slack.scopes').detail).toMatch(/^token lacks files:write \(granted: chat:write, /);

    expectBroken(channel, { 'slack.channel': /SLACK_CHANNEL/ });
    expect(channel.find('slack.channel').detail).toMatch(/channel C0NOSUCH01 not found/);

    // Missing scope and not invited: two things to fix in the same app.
    expectBroken(notInvited, { 'slack.scopes': /files:write/, 'slack.channel': /invite the bot/ });
    expect(notInvited.find('slack.channel').detail).toMatch(/not a member of #elsewhere \(C0ELSEWHR1\)/);
  }, 180_000);

  it('Datadog: a wrong application key (logs and metrics refused), a wrong API key', async () => {
    const [appKey, apiKey] = await Promise.all([
      run({ DATADOG_APP_KEY: 'not-the-app-key' }),
      run({ DATADOG_API_KEY: 'not-the-api-key' }),
    ]);
    expectBroken(appKey, {
      'datadog.logs': /DATADOG_APP_KEY .*logs_read_data/,
      'datadog.metrics': /DATADOG_APP_KEY .*timeseries_query/,
    });
    expect(appKey.find('datadog.api-key').status).toBe('ok');
    expect(appKey.find('datadog.logs').detail).toMatch(/HTTP 403/);

    expect(apiKey.code).toBe(1);
    expect(apiKey.find('datadog.api-key')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('GET /api/v1/validate: HTTP 403'),
      hint: expect.stringMatching(/DATADOG_API_KEY.*DATADOG_SITE/),
    });
  }, 180_000);

  it('git: a repository that refuses pushes with the token fails in direct mode', async () => {
    e.git.refusePush('shop-api');
    try {
      const report = await run({});
      expectBroken(report, { 'git.push': /GIT_TOKEN .*contents: write/ });
      expect(report.find('git.remote').status).toBe('ok');
      expect(report.find('git.push').detail).toMatch(/refuses pushes with this token \(HTTP 403\)/);
    } finally {
      e.git.refusePush('shop-api', false);
    }
  }, 180_000);

  it('GitHub: a fine-grained token without pull_requests: write, a user with read access only, a bad token', async () => {
    const [prs, readOnly, badToken] = await Promise.all([
      // With ROLLBACK_MERGE the merge is probed too: this token has contents: write, so only pull requests lack.
      run({ GITHUB_API_URL: prsReadOnly.apiUrl, GITHUB_TOKEN: prsReadOnly.token, ROLLBACK_MERGE: 'on' }),
      run({ GITHUB_API_URL: readOnlyUser.apiUrl, GITHUB_TOKEN: readOnlyUser.token }),
      run({ GITHUB_TOKEN: 'ghp_expired' }),
    ]);
    expectBroken(prs, { 'github.permissions': /pull_requests: write/ });
    expect(prs.find('github.permissions').detail).toBe(
      'token lacks pull_requests: write (GitHub accepts pull_requests=write) on acme/shop-api',
    );
    // The probe is an empty create: GitHub refused it, and nothing was created.
    expect(prsReadOnly.requests.find((r) => r.method === 'POST' && r.path.endsWith('/pulls'))?.status).toBe(403);
    expect(prsReadOnly.pulls()).toEqual([]);
    expect(prsReadOnly.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/pulls/0/merge'))?.status).toBe(404);

    expectBroken(readOnly, { 'github.permissions': /write access/ });
    expect(readOnly.find('github.permissions').detail).toMatch(/read access only to acme\/shop-api/);

    expectBroken(badToken, { 'github.token': /GITHUB_TOKEN/ });

    // contents: write is needed only when the pipeline merges the revert itself (ROLLBACK_MERGE=on).
    const contents = { GITHUB_API_URL: contentsReadOnly.apiUrl, GITHUB_TOKEN: contentsReadOnly.token };
    const [withoutMerge, withMerge] = await Promise.all([run(contents), run({ ...contents, ROLLBACK_MERGE: 'on' })]);
    expect(withoutMerge.find('github.permissions').status).toBe('ok');
    expectBroken(withMerge, { 'github.permissions': /contents: write/ });
    expect(withMerge.find('github.permissions').detail).toBe(
      'token lacks contents: write (GitHub accepts contents=write) on acme/shop-api',
    );
    expect(contentsReadOnly.pulls()).toEqual([]);
    expect(badToken.find('github.permissions').status).toBe('skip');
  }, 180_000);

  it('Claude Code: the CLI missing, the API key refused (and never printed), a misspelt model', async () => {
    const [cli, key, model] = await Promise.all([
      run({ CLAUDE_CODE_PATH: '/nonexistent/bin/claude' }),
      run({ ANTHROPIC_BASE_URL: anthropic.url, ANTHROPIC_API_KEY: 'sk-ant-a-revoked-key', CLAUDE_MODEL: 'x' }),
      run({ CLAUDE_MODEL: 'claude-sonet-4-5' }),
    ]);
    expectBroken(model, { 'claude.models': /set CLAUDE_MODEL to a model id or alias/ });
    expect(model.find('claude.models').detail).toMatch(
      /^CLAUDE_MODEL=claude-sonet-4-5 is not a model .+ knows \(not_found_error: model: claude-sonet-4-5\)$/,
    );
    expectBroken(cli, { 'claude.cli': /CLAUDE_CODE_PATH/ });
    expect(cli.find('claude.cli').detail).toBe('no Claude Code CLI at /nonexistent/bin/claude');

    expectBroken(key, { 'claude.api': /ANTHROPIC_API_KEY/ });
    expect(key.find('claude.api').detail).toMatch(/HTTP 401 \(authentication_error: invalid x-api-key\)/);
    expect(key.stdout).not.toContain('sk-ant-a-revoked-key');
    // The models cannot be checked with a refused key: that is claude.api's failure alone.
    expect(key.find('claude.models').status).toBe('skip');
  }, 180_000);
});
