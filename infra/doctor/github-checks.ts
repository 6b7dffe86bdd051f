import type { Octokit } from '@octokit/rest';
import { createOctokit, repoOf } from '../../activities/github/client';
import type { Config } from '../platform/config/load-config';
import {
  dependsOn,
  fail,
  messageOf,
  notSet,
  ok,
  warn,
  type CheckContext,
  type DoctorCheck,
  type Outcome,
} from './check';
import { configCheck } from './config-check';

const REACH_HINT = 'check GITHUB_API_URL (unset for github.com) and the network path to GitHub';
type Headers = Record<string, string | number | undefined>;

interface RepoAnswer {
  data: { full_name: string; private: boolean; default_branch: string; permissions?: { push?: boolean } };
  headers: Headers;
}

/** An Octokit RequestError's status and headers (by shape: a second copy of the library would have another class). */
function httpOf(err: unknown): { status: number; headers: Headers } | undefined {
  const e = err as { name?: string; status?: unknown; response?: { headers?: Headers } };
  if (e.name !== 'HttpError' || typeof e.status !== 'number' || !e.response) return undefined;
  return { status: e.status, headers: e.response.headers ?? {} };
}

const octokit = (ctx: CheckContext): Octokit =>
  createOctokit(ctx.config.github, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });

/** GET /repos/{owner}/{repo}, once: proves the token, and tells a classic token (x-oauth-scopes) from the others. */
const repository = (ctx: CheckContext): Promise<RepoAnswer> =>
  ctx.shared('github.repo', (signal) =>
    createOctokit(ctx.config.github, { timeoutMs: ctx.timeoutMs, signal }).rest.repos.get(repoOf(ctx.config.github)),
  );

const needsTokenAndRepo = (config: Config): Outcome | undefined => {
  const missing = [
    ...(config.github.token ? [] : ['GITHUB_TOKEN']),
    ...(config.github.repository ? [] : ['GITHUB_REPOSITORY']),
  ];
  return missing.length
    ? fail(`${missing.join(' and ')} not set`, `set ${missing.join(' and ')} (owner/name of the repository to fix)`)
    : undefined;
};

/**
 * What a fine-grained or app token may do, tried without changing anything: reads of a page of one,
 * and creates with an empty body, which GitHub answers 422 (invalid) when the token may create and
 * 403 when it may not — so nothing is ever created.
 */
async function probe(
  ctx: CheckContext,
  route: string,
  params: Record<string, unknown>,
): Promise<{ allowed: boolean; accepted?: string }> {
  const { owner, repo } = repoOf(ctx.config.github);
  try {
    await octokit(ctx).request(route, { owner, repo, ...params });
    return { allowed: true };
  } catch (err) {
    const http = httpOf(err);
    if (!http) throw err;
    const accepted = http.headers['x-accepted-github-permissions'];
    if (http.status === 403) return { allowed: false, ...(accepted ? { accepted: String(accepted) } : {}) };
    return { allowed: true };
  }
}

async function fineGrained(ctx: CheckContext, repo: RepoAnswer): Promise<Outcome> {
  const { rollback } = ctx.config.afterDeploy;
  const needs: [what: string, route: string, params: Record<string, unknown>][] = [
    ['pull_requests: write', 'POST /repos/{owner}/{repo}/pulls', { title: '', head: '', base: '' }],
    ['contents: read', 'GET /repos/{owner}/{repo}/commits/{ref}', { ref: repo.data.default_branch }],
    ['deployments: read', 'GET /repos/{owner}/{repo}/deployments', { per_page: 1 }],
  ];
  // The pipeline asks for a deployment of the commit before the fix only with ROLLBACK_DEPLOY=on.
  if (rollback.deploy) needs.push(['deployments: write', 'POST /repos/{owner}/{repo}/deployments', { ref: '' }]);
  // It merges the revert itself only with ROLLBACK_MERGE=on: merging needs contents: write (pull request 0 never exists).
  if (rollback.merge)
    needs.push(['contents: write', 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', { pull_number: 0 }]);
  const answers = await Promise.all(needs.map(([, route, params]) => probe(ctx, route, params)));
  const lacking = needs.map(([what], i) => ({ what, ...answers[i]! })).filter((a) => !a.allowed);
  if (!lacking.length)
    return ok(`fine-grained or app token: ${needs.map(([what]) => what).join(', ')} on ${repo.data.full_name}`);
  return fail(
    `token lacks ${lacking.map((l) => l.what + (l.accepted ? ` (GitHub accepts ${l.accepted})` : '')).join(', ')} on ${repo.data.full_name}`,
    `grant GITHUB_TOKEN's token (or app) the repository permissions ${lacking.map((l) => l.what).join(', ')}`,
  );
}

function classic(repo: RepoAnswer, scopes: string[]): Outcome {
  const name = repo.data.full_name;
  const scope = repo.data.private ? 'repo' : 'public_repo';
  if (!scopes.includes('repo') && !scopes.includes(scope))
    return fail(
      `classic token without the ${scope} scope (has: ${scopes.join(', ') || 'none'})`,
      `add the ${scope} scope to GITHUB_TOKEN`,
    );
  if (repo.data.permissions?.push === false)
    return fail(
      `the token's user has read access only to ${name}: it cannot open pull requests from the fix branch nor record deployments`,
      "give GITHUB_TOKEN's user write access to the repository",
    );
  return ok(`classic token (${scopes.join(', ')}) with write access to ${name}: pull requests, contents, deployments`);
}

export function githubChecks(): DoctorCheck[] {
  return [
    {
      id: 'github.token',
      group: 'github',
      fast: false,
      timeoutHint: REACH_HINT,
      precondition: needsTokenAndRepo,
      async run(ctx) {
        const name = ctx.config.github.repository!;
        try {
          const repo = await repository(ctx);
          return ok(`${repo.data.full_name} (${repo.data.private ? 'private' : 'public'}) readable with GITHUB_TOKEN`);
        } catch (err) {
          const http = httpOf(err);
          if (http?.status === 401)
            return fail(
              `GET /repos/${name}: HTTP 401 Bad credentials`,
              'set GITHUB_TOKEN to a valid token (it may have expired)',
            );
          if (http?.status === 404)
            return fail(
              `GET /repos/${name}: not found, or the token cannot see it`,
              'set GITHUB_REPOSITORY to owner/name, and give GITHUB_TOKEN access to that repository',
            );
          return fail(`GET /repos/${name}: ${http ? `HTTP ${http.status}` : messageOf(err)}`, REACH_HINT);
        }
      },
    },
    {
      id: 'github.permissions',
      group: 'github',
      fast: false,
      timeoutHint: REACH_HINT,
      precondition: (config) =>
        config.github.token
          ? config.github.repository
            ? undefined
            : notSet('GITHUB_REPOSITORY')
          : notSet('GITHUB_TOKEN'),
      async run(ctx) {
        const repo = await repository(ctx).catch(() => undefined);
        if (!repo) return dependsOn('github.token');
        const scopes = repo.headers['x-oauth-scopes'];
        if (scopes !== undefined)
          return classic(
            repo,
            String(scopes)
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          );
        return fineGrained(ctx, repo);
      },
    },
    configCheck('github.webhook-secret', 'github', (config) =>
      config.github.webhookSecret
        ? ok('GITHUB_WEBHOOK_SECRET is set')
        : warn(
            "GITHUB_WEBHOOK_SECRET is not set: GitHub's webhooks are refused, runs notice reviews, merges and deploys by polling only",
            "set GITHUB_WEBHOOK_SECRET to the repository webhook's secret (infra/github/README.md)",
          ),
    ),
  ];
}
