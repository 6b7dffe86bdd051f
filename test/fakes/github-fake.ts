import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { isoNow, restShapes, type DeploymentRecord, type DeploymentStatusState, type PullRecord } from './github-wire';
import { checkGrant, DEFAULT_GRANT, rolePermissions, type TokenGrant } from './github-permissions';

/**
 * The GitHub REST API on 127.0.0.1, close enough to the wire format for the real Octokit:
 * token auth, JSON errors `{message, documentation_url}`, `Link` pagination, the pulls,
 * reviews, issue events and deployments endpoints. With `bareRepoPath` head shas come from
 * that repository and merges are real merge commits pushed to its base branch.
 */

const exec = promisify(execFile);
type Json = Record<string, unknown>;
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

/**
 * `login` is the account the token belongs to: author of pull requests and reviews created through the API.
 * `grant`: what the token may do (github-permissions.ts); by default a classic token with `repo` and write access.
 */
export async function startGitHubFake(opts: {
  token?: string;
  owner: string;
  repo: string;
  bareRepoPath?: string;
  login?: string;
  grant?: TokenGrant;
}) {
  const token = opts.token ?? 'ghp_fake_token';
  const grant = opts.grant ?? DEFAULT_GRANT;
  const login = opts.login ?? 'bugfix-bot';
  const { owner, repo, bareRepoPath } = opts;
  const pulls: PullRecord[] = [];
  const deployments: DeploymentRecord[] = [];
  const requests: FakeRequest[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let nextId = 1000;
  let outageUntil = 0;
  // Listening first: the REST shapes need the URL.
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { repositoryJson, pullJson, reviewJson, eventJson, deploymentJson, statusJson } = restShapes(url, owner, repo);

  const git = async (...args: string[]) => {
    if (!bareRepoPath) throw new Error('no bare repository');
    const env = {
      PATH: process.env.PATH,
      HOME: os.tmpdir(),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'GitHub',
      GIT_AUTHOR_EMAIL: 'noreply@github.com',
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    };
    return (await exec('git', args, { cwd: bareRepoPath, env })).stdout.trim();
  };
  const branchSha = async (ref: string): Promise<string | undefined> => {
    if (!bareRepoPath) return randomBytes(20).toString('hex');
    return git('rev-parse', '--verify', '-q', `refs/heads/${ref}^{commit}`).catch(() => undefined);
  };
  // Open pull requests follow pushes to their branches, as on GitHub; one git call for all of them.
  const refresh = async <T extends PullRecord | PullRecord[]>(prs: T): Promise<T> => {
    const open = (Array.isArray(prs) ? prs : [prs]).filter((p) => p.state === 'open');
    if (!bareRepoPath || !open.length) return prs;
    const refs = new Map(
      (await git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'))
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    for (const pr of open) pr.head.sha = refs.get(`refs/heads/${pr.head.ref}`) ?? pr.head.sha;
    return prs;
  };

  /** GitHub's "list pull request files": each changed file with its status, counts and `patch` (hunks only). */
  const pullFiles = async (pr: PullRecord) => {
    if (!bareRepoPath) return [];
    const base = await git('merge-base', `refs/heads/${pr.base.ref}`, pr.head.sha);
    const statuses: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', T: 'changed' };
    const files = [];
    for (const line of (await git('diff', '--name-status', '-M', base, pr.head.sha)).split('\n').filter(Boolean)) {
      const [code = 'M', ...names] = line.split('\t');
      const filename = names.at(-1)!;
      const full = await git('diff', '-M', base, pr.head.sha, '--', ...names);
      const hunks = full.indexOf('\n@@');
      const patch = hunks >= 0 ? full.slice(hunks + 1) : undefined;
      const lines = patch?.split('\n') ?? [];
      const additions = lines.filter((l) => l.startsWith('+')).length;
      const deletions = lines.filter((l) => l.startsWith('-')).length;
      files.push({
        sha: await git('rev-parse', `${pr.head.sha}:${filename}`).catch(() => '0'.repeat(40)),
        filename,
        status: statuses[code[0]!] ?? 'modified',
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: `https://github.com/${owner}/${repo}/blob/${pr.head.sha}/${filename}`,
        raw_url: `https://github.com/${owner}/${repo}/raw/${pr.head.sha}/${filename}`,
        contents_url: `${url}/repos/${owner}/${repo}/contents/${filename}?ref=${pr.head.sha}`,
        ...(patch !== undefined && !full.includes('\nBinary files ') ? { patch } : {}),
        ...(code.startsWith('R') ? { previous_filename: names[0] } : {}),
      });
    }
    return files;
  };

  /** Merges for real when a bare repository is set: a `--no-ff` merge commit on the base branch. */
  const mergePull = async (n: number, by: { by: string }) => {
    const pr = await refresh(findPull(n));
    if (pr.state !== 'open') throw new Error(`pull request #${n} is ${pr.state}`);
    let sha = randomBytes(20).toString('hex');
    if (bareRepoPath) {
      const baseSha = await git('rev-parse', `refs/heads/${pr.base.ref}`);
      const tree = await git('merge-tree', '--write-tree', baseSha, pr.head.sha).then(
        (out) => out.split('\n')[0] ?? '',
        (err: { stdout?: string }) => Promise.reject(new Error(`#${n} does not merge cleanly: ${err.stdout ?? ''}`)),
      );
      sha = await git(
        'commit-tree',
        tree,
        '-p',
        baseSha,
        '-p',
        pr.head.sha,
        '-m',
        `Merge pull request #${n} from ${owner}/${pr.head.ref}\n\n${pr.title}`,
      );
      await git('update-ref', `refs/heads/${pr.base.ref}`, sha, baseSha);
    }
    const at = isoNow();
    Object.assign(pr, {
      state: 'closed',
      merged_at: at,
      closed_at: at,
      updated_at: at,
      merged_by: by.by,
      merge_commit_sha: sha,
    });
    pr.events.push(
      { id: nextId++, event: 'merged', actor: by.by, created_at: at },
      { id: nextId++, event: 'closed', actor: by.by, created_at: at },
    );
    return pullJson(pr);
  };

  const addDeployment = (input: {
    sha: string;
    environment: string;
    ref?: string;
    state?: DeploymentStatusState;
    creator?: string;
    description?: string;
    payload?: unknown;
  }) => {
    const d: DeploymentRecord = {
      id: nextId++,
      sha: input.sha,
      ref: input.ref ?? input.sha,
      environment: input.environment,
      created_at: isoNow(),
      creator: input.creator ?? 'deploy-bot[bot]',
      ...(input.description ? { description: input.description } : {}),
      ...(input.payload !== undefined ? { payload: input.payload } : {}),
      statuses: [],
    };
    deployments.push(d);
    if (input.state)
      d.statuses.push({
        id: nextId++,
        state: input.state,
        created_at: d.created_at,
        environment_url: `https://${d.environment}.example.test`,
        log_url: `https://ci.example.test/deploy/${d.id}`,
      });
    return d;
  };

  const findPull = (n: number) => {
    const pr = pulls.find((p) => p.number === n);
    if (!pr) throw new Error(`no pull request #${n}`);
    return pr;
  };

  const createPull = async (
    author: string,
    body: { head?: unknown; base?: unknown; title?: unknown; body?: unknown },
    createdAt = isoNow(),
  ): Promise<PullRecord | { error: string; field?: string }> => {
    const head = String(body.head ?? '').replace(new RegExp(`^${owner}:`), '');
    const base = String(body.base ?? '');
    if (!head || !base || typeof body.title !== 'string')
      return { error: 'missing field', field: !head ? 'head' : !base ? 'base' : 'title' };
    if (pulls.some((p) => p.state === 'open' && p.head.ref === head && p.base.ref === base))
      return { error: `A pull request already exists for ${owner}:${head}.` };
    const headSha = await branchSha(head);
    if (!headSha) return { error: 'invalid', field: 'head' };
    const baseSha = await branchSha(base);
    if (!baseSha) return { error: 'invalid', field: 'base' };
    if (
      bareRepoPath &&
      (await git('merge-base', '--is-ancestor', `refs/heads/${head}`, `refs/heads/${base}`).then(
        () => true,
        () => false,
      ))
    )
      return { error: `No commits between ${base} and ${head}` };
    const pr: PullRecord = {
      number: pulls.length + 1,
      title: body.title,
      body: typeof body.body === 'string' ? body.body : null,
      state: 'open',
      user: author,
      head: { ref: head, sha: headSha },
      base: { ref: base, sha: baseSha },
      created_at: createdAt,
      updated_at: createdAt,
      closed_at: null,
      merged_at: null,
      merged_by: null,
      merge_commit_sha: null,
      events: [],
      reviews: [],
    };
    pulls.push(pr);
    return pr;
  };

  /** Answers with `items` paginated the way GitHub does: `page`, `per_page` and a `Link` header. */
  const paged = <T>(
    req: IncomingMessage,
    q: URLSearchParams,
    items: T[],
  ): { items: T[]; headers: Record<string, string> } => {
    const perPage = Math.min(100, Number(q.get('per_page') ?? 30));
    const page = Math.max(1, Number(q.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const next = new URL(req.url ?? '/', url);
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      return `<${next.href}>; rel="${rel}"`;
    };
    const headers: Record<string, string> =
      page < last ? { link: [link(page + 1, 'next'), link(last, 'last')].join(', ') } : {};
    return { items: items.slice((page - 1) * perPage, page * perPage), headers };
  };

  const route = async (
    req: IncomingMessage,
    raw: string,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> => {
    const u = new URL(req.url ?? '/', 'http://x');
    const q = u.searchParams;
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(u.pathname);
    if (!m || m[1] !== owner || m[2] !== repo) return notFound();
    const rest = m[3] ?? '';
    const post = req.method === 'POST';
    let sub: RegExpExecArray | null;
    // "Get a repository": `permissions` is what the token's user may do in it.
    if (rest === '' && req.method === 'GET')
      return { status: 200, body: { ...repositoryJson(), permissions: rolePermissions(grant.role) } };
    if ((sub = /^\/commits\/([^/]+)$/.exec(rest)) && req.method === 'GET' && bareRepoPath) {
      // "Get a commit", the fields read here: the ref (branch or sha) resolved in the bare repository.
      const ref = decodeURIComponent(sub[1]!);
      const sha = /^[0-9a-f]{40}$/.test(ref) ? ref : await branchSha(ref);
      if (!sha) return { status: 422, body: { message: `No commit found for SHA: ${ref}` } };
      const [tree = '', ...parents] = (await git('show', '-s', '--format=%T %P', sha)).split(' ').filter(Boolean);
      return {
        status: 200,
        body: {
          sha,
          url: `${url}/repos/${owner}/${repo}/commits/${sha}`,
          html_url: `https://github.com/${owner}/${repo}/commit/${sha}`,
          commit: { message: await git('show', '-s', '--format=%B', sha), tree: { sha: tree } },
          parents: parents.map((p) => ({ sha: p })),
        },
      };
    }
    if (rest === '/pulls' && !post) {
      const state = q.get('state') ?? 'open';
      const head = q.get('head');
      let list = pulls.filter(
        (p) =>
          (state === 'all' || p.state === state) &&
          (!head || `${owner}:${p.head.ref}` === head || p.head.ref === head) &&
          (!q.get('base') || p.base.ref === q.get('base')),
      );
      const key = q.get('sort') === 'updated' ? 'updated_at' : 'created_at';
      list = [...list].sort((a, b) => a[key].localeCompare(b[key]) || a.number - b.number);
      if ((q.get('direction') ?? (key === 'created_at' ? 'desc' : 'asc')) === 'desc') list.reverse();
      const { items, headers } = paged(req, q, list);
      return { status: 200, body: (await refresh(items)).map(pullJson), headers };
    }
    if (rest === '/pulls' && post) {
      const created = await createPull(login, JSON.parse(raw || '{}') as Json);
      if ('error' in created) {
        const error = created.field
          ? {
              resource: 'PullRequest',
              field: created.field,
              code: created.error === 'invalid' ? 'invalid' : 'missing_field',
            }
          : { resource: 'PullRequest', code: 'custom', message: created.error };
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [error],
            documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
            status: '422',
          },
        };
      }
      return {
        status: 201,
        body: pullJson(created),
        headers: { location: `${url}/repos/${owner}/${repo}/pulls/${created.number}` },
      };
    }
    if ((sub = /^\/pulls\/(\d+)(\/reviews)?$/.exec(rest))) {
      const pr = pulls.find((p) => p.number === Number(sub?.[1]));
      if (!pr) return notFound();
      if (!sub[2]) return { status: 200, body: pullJson(await refresh(pr)) };
      if (!post) {
        const { items, headers } = paged(req, q, pr.reviews);
        return { status: 200, body: items.map((r) => reviewJson(pr, r)), headers };
      }
      const input = JSON.parse(raw || '{}') as Json;
      const states: Record<string, string> = {
        COMMENT: 'COMMENTED',
        APPROVE: 'APPROVED',
        REQUEST_CHANGES: 'CHANGES_REQUESTED',
      };
      const state = states[String(input.event)] ?? 'PENDING';
      if (state !== 'APPROVED' && state !== 'PENDING' && !input.body)
        return { status: 422, body: { message: 'Unprocessable Entity', errors: ['Body is required'] } };
      const review = {
        id: nextId++,
        user: login,
        body: String(input.body ?? ''),
        state,
        submitted_at: isoNow(),
        commit_id: pr.head.sha,
      };
      pr.reviews.push(review);
      return { status: 200, body: reviewJson(pr, review) };
    }
    if ((sub = /^\/pulls\/(\d+)\/files$/.exec(rest)) && !post) {
      const pr = pulls.find((p) => p.number === Number(sub?.[1]));
      if (!pr) return notFound();
      const { items, headers } = paged(req, q, await pullFiles(await refresh(pr)));
      return { status: 200, body: items, headers };
    }
    if ((sub = /^\/issues\/(\d+)\/events$/.exec(rest)) && !post) {
      const pr = pulls.find((p) => p.number === Number(sub?.[1]));
      if (!pr) return notFound();
      const { items, headers } = paged(req, q, pr.events);
      return { status: 200, body: items.map((e) => eventJson(pr, e)), headers };
    }
    if ((sub = /^\/pulls\/(\d+)\/merge$/.exec(rest)) && req.method === 'PUT') {
      // "Merge a pull request": 200 {sha, merged, message}; 405 when it cannot be merged; 409 when head moved.
      const pr = pulls.find((p) => p.number === Number(sub?.[1]));
      if (!pr) return notFound();
      const input = JSON.parse(raw || '{}') as Json;
      await refresh(pr);
      if (input.sha && input.sha !== pr.head.sha)
        return { status: 409, body: { message: 'Head branch was modified. Review and try the merge again.' } };
      const merged = await mergePull(pr.number, { by: login }).catch((err: Error) => err);
      if (merged instanceof Error)
        return {
          status: 405,
          body: {
            message: 'Pull Request is not mergeable',
            documentation_url: 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
          },
        };
      return {
        status: 200,
        body: { sha: merged.merge_commit_sha, merged: true, message: 'Pull Request successfully merged' },
      };
    }
    if (rest === '/deployments' && post) {
      // "Create a deployment": the ref (a branch or a sha) resolved to a commit; statuses come from the deployer.
      const input = JSON.parse(raw || '{}') as Json;
      const ref = typeof input.ref === 'string' ? input.ref : '';
      const sha = /^[0-9a-f]{40}$/.test(ref) ? ref : await branchSha(ref);
      if (!ref || !sha)
        return {
          status: 422,
          body: {
            message: `No ref found for: ${ref}`,
            documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
          },
        };
      const d = addDeployment({
        sha,
        ref,
        environment: typeof input.environment === 'string' ? input.environment : 'production',
        creator: login,
        ...(typeof input.description === 'string' ? { description: input.description } : {}),
        ...(input.payload !== undefined ? { payload: input.payload } : {}),
      });
      return { status: 201, body: deploymentJson(d) };
    }
    if ((sub = /^\/deployments\/(\d+)$/.exec(rest)) && !post) {
      const d = deployments.find((x) => x.id === Number(sub?.[1]));
      return d ? { status: 200, body: deploymentJson(d) } : notFound();
    }
    if (rest === '/deployments' && !post) {
      const list = deployments.filter(
        (d) =>
          (!q.get('sha') || d.sha === q.get('sha')) &&
          (!q.get('environment') || d.environment === q.get('environment')) &&
          (!q.get('ref') || d.ref === q.get('ref')),
      );
      const { items, headers } = paged(req, q, [...list].reverse());
      return { status: 200, body: items.map(deploymentJson), headers };
    }
    if ((sub = /^\/compare\/([0-9a-f]{7,40})\.\.\.([0-9a-f]{7,40})$/.exec(rest)) && !post && bareRepoPath) {
      // Enough of GitHub's compare for "does head contain base": ahead, behind, identical or diverged.
      const [base, head] = [sub[1]!, sub[2]!];
      const contains = async (a: string, b: string) =>
        git('merge-base', '--is-ancestor', a, b).then(
          () => true,
          () => false,
        );
      const status =
        base === head
          ? 'identical'
          : (await contains(base, head))
            ? 'ahead'
            : (await contains(head, base))
              ? 'behind'
              : 'diverged';
      return { status: 200, body: { status, base_commit: { sha: base }, merge_base_commit: { sha: base } } };
    }
    if ((sub = /^\/deployments\/(\d+)\/statuses$/.exec(rest)) && !post) {
      const d = deployments.find((x) => x.id === Number(sub?.[1]));
      if (!d) return notFound();
      const { items, headers } = paged(req, q, [...d.statuses].reverse());
      return { status: 200, body: items.map((s) => statusJson(d, s)), headers };
    }
    return notFound();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const u = new URL(req.url ?? '/', 'http://x');
    const entry: FakeRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      status: 0,
    };
    requests.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': randomUUID(),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    if (Date.now() < outageUntil)
      return send(503, { message: 'Service Unavailable', documentation_url: 'https://www.githubstatus.com' });
    const [scheme, value] = (req.headers.authorization ?? '').split(' ');
    if (!['token', 'bearer'].includes(scheme?.toLowerCase() ?? '') || value !== token)
      return send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    const granted = checkGrant(grant, entry.method, /^\/repos\/[^/]+\/[^/]+(\/.*)?$/.exec(u.pathname)?.[1] ?? '');
    if (granted.refused) return send(granted.refused.status, granted.refused.body, granted.headers);
    const failure = failures.shift();
    if (failure) {
      const limited = failure.headers['x-ratelimit-remaining'] === '0' || failure.headers['retry-after'] !== undefined;
      return send(
        failure.status,
        {
          message: limited ? 'API rate limit exceeded for user ID 1.' : (STATUS_CODES[failure.status] ?? 'Error'),
          documentation_url: 'https://docs.github.com/rest',
        },
        failure.headers,
      );
    }
    try {
      const answer = await route(req, Buffer.concat(chunks).toString('utf8'));
      send(answer.status, answer.body, { ...granted.headers, ...answer.headers });
    } catch (err) {
      send(500, { message: `fake error: ${(err as Error).message}` });
    }
  };

  return {
    /** For Octokit's `baseUrl` / GITHUB_API_URL. */
    apiUrl: url,
    token,
    owner,
    repo,
    requests,
    /** The next `times` requests (after the token check) answer `status` with `headers`. */
    failNext(times: number, status: number, headers: Record<string, string> = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, headers });
    },
    /** For `ms` from now every REST call answers 503, as during a GitHub incident. */
    outage(ms: number) {
      outageUntil = Date.now() + ms;
    },
    /** Opens a pull request as `login` would (Cursor, a person); `createdAt` pins its time. */
    async openPullRequestAs(
      login: string,
      input: { head: string; base: string; title: string; body?: string; createdAt?: string },
    ) {
      const created = await createPull(login, input, input.createdAt);
      if ('error' in created)
        throw new Error(`cannot open pull request: ${created.error}${created.field ? ` (${created.field})` : ''}`);
      return pullJson(created);
    },
    async pull(n: number) {
      return pullJson(await refresh(findPull(n)));
    },
    pulls() {
      return pulls.map(pullJson);
    },
    /** Every deployment, oldest first, with the newest status's state ('none' before any). */
    deployments() {
      return deployments.map((d) => ({ ...deploymentJson(d), state: d.statuses.at(-1)?.state ?? 'none' }));
    },
    /** Merges for real when a bare repository is set: a `--no-ff` merge commit on the base branch. */
    mergePullRequest: (n: number, by: { by: string }) => mergePull(n, by),
    closePullRequest(n: number, by: { by: string }) {
      const pr = findPull(n);
      const at = isoNow();
      Object.assign(pr, { state: 'closed', closed_at: at, updated_at: at });
      pr.events.push({ id: nextId++, event: 'closed', actor: by.by, created_at: at });
      return pullJson(pr);
    },
    addReview(
      n: number,
      review: { user: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'; body?: string },
    ) {
      const pr = findPull(n);
      const record = {
        id: nextId++,
        user: review.user,
        body: review.body ?? '',
        state: review.state,
        submitted_at: isoNow(),
        commit_id: pr.head.sha,
      };
      pr.reviews.push(record);
      return reviewJson(pr, record);
    },
    createDeployment: (input: Parameters<typeof addDeployment>[0]) => deploymentJson(addDeployment(input)),
    setDeploymentState(id: number, state: DeploymentStatusState, at = isoNow()) {
      const d = deployments.find((x) => x.id === id);
      if (!d) throw new Error(`no deployment ${id}`);
      const s = {
        id: nextId++,
        state,
        created_at: at,
        environment_url: `https://${d.environment}.example.test`,
        log_url: `https://ci.example.test/deploy/${d.id}`,
      };
      d.statuses.push(s);
      return statusJson(d, s);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type GitHubFake = Awaited<ReturnType<typeof startGitHubFake>>;

function notFound() {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
  };
}

export { sendWebhook, signWebhookBody, pullRequestEvent, reviewEvent, deploymentStatusEvent } from './github-wire';
export type { DeploymentStatusState, FakeDeployment, FakePull, FakeReview, WebhookEvent } from './github-wire';
