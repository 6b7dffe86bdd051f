import { createHmac, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Jira Cloud REST v3 on 127.0.0.1, from Atlassian's documented shapes: Basic auth (email + API
 * token) with 401 `{errorMessages, errors}`, /myself, issues (ADF descriptions), paged comments
 * with comment properties (`/comment/list?expand=properties`), transitions by id that move the
 * status (204), and the enhanced JQL search (`/search/jql`, what jira.js 5 calls) for a small JQL
 * subset: `project = X`, `labels = y`, `AND`, `ORDER BY`.
 */

type Json = Record<string, unknown>;
export interface JiraFakeIssue {
  id: string;
  key: string;
  summary: string;
  description: unknown;
  labels: string[];
  project: string;
  issueType: string;
  status: string;
  components: string[];
  created: string;
  comments: JiraFakeComment[];
}
export interface JiraFakeComment {
  id: string;
  body: unknown;
  created: string;
  properties: { key: string; value: unknown }[];
}
export interface JiraFakeTransition {
  id: string;
  name: string;
  to: string;
  /** Statuses it is offered from; undefined: every status but its target (a global transition). */
  from?: string[];
}
export interface JiraFakeRequest {
  method: string;
  path: string;
  status: number;
}

const STATUS_IDS: Record<string, string> = {
  'To Do': '10000',
  'In Progress': '3',
  'In Review': '10001',
  Done: '10002',
};
const DEFAULT_TRANSITIONS: JiraFakeTransition[] = [
  { id: '11', name: 'To Do', to: 'To Do' },
  { id: '21', name: 'In Progress', to: 'In Progress', from: ['To Do', 'Reopened', 'In Review'] },
  { id: '31', name: 'In Review', to: 'In Review', from: ['In Progress'] },
  { id: '41', name: 'Done', to: 'Done', from: ['To Do', 'In Progress', 'In Review', 'Reopened'] },
  { id: '51', name: 'Reopen', to: 'Reopened', from: ['Done'] },
];

export async function startJiraFake(
  opts: { email?: string; apiToken?: string; transitions?: JiraFakeTransition[] } = {},
) {
  const email = opts.email ?? 'bugfix-bot@acme.test';
  const apiToken = opts.apiToken ?? 'jira-api-token-for-tests';
  const transitions = opts.transitions ?? DEFAULT_TRANSITIONS;
  const issues: JiraFakeIssue[] = [];
  const requests: JiraFakeRequest[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let nextIssueId = 10_000;
  let nextCommentId = 20_000;
  const counters = new Map<string, number>();

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = `${url}/rest/api/3`;

  const statusJson = (name: string) => ({
    self: `${api}/status/${STATUS_IDS[name] ?? '1'}`,
    id: STATUS_IDS[name] ?? '1',
    name,
    statusCategory: {
      id: name === 'Done' ? 3 : name === 'To Do' ? 2 : 4,
      key: name === 'Done' ? 'done' : 'indeterminate',
    },
  });
  const commentJson = (c: JiraFakeComment, issue: JiraFakeIssue, withProperties: boolean) => ({
    self: `${api}/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: { accountId: 'bot-account-id', displayName: 'Bugfix Bot', active: true },
    body: c.body,
    created: c.created,
    updated: c.created,
    jsdPublic: true,
    ...(withProperties ? { properties: c.properties } : {}),
  });
  const issueJson = (i: JiraFakeIssue) => ({
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: i.id,
    self: `${api}/issue/${i.id}`,
    key: i.key,
    fields: {
      summary: i.summary,
      description: i.description,
      labels: i.labels,
      project: { self: `${api}/project/${i.project}`, id: '10000', key: i.project, name: i.project },
      issuetype: { self: `${api}/issuetype/1`, id: '1', name: i.issueType },
      status: statusJson(i.status),
      components: i.components.map((name, n) => ({ self: `${api}/component/${n + 1}`, id: String(n + 1), name })),
      created: i.created,
      updated: i.created,
    },
  });
  const find = (idOrKey: string) => issues.find((i) => i.key === idOrKey || i.id === idOrKey);
  const offered = (i: JiraFakeIssue) =>
    transitions.filter((t) => (t.from ? t.from.includes(i.status) : t.to !== i.status));

  /** The issue a test (or a webhook) starts from, as if a person had created it. */
  function addIssue(o: Partial<Omit<JiraFakeIssue, 'id' | 'key' | 'comments'>> & { summary: string }): JiraFakeIssue {
    const project = o.project ?? 'SUP';
    const n = (counters.get(project) ?? 0) + 1;
    counters.set(project, n);
    const issue: JiraFakeIssue = {
      id: String(nextIssueId++),
      key: `${project}-${n}`,
      description: null,
      labels: [],
      issueType: 'Bug',
      status: 'To Do',
      components: [],
      created: new Date().toISOString().replace('Z', '+0000'),
      ...o,
      project,
      comments: [],
    };
    issues.push(issue);
    return issue;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const p = u.pathname;
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      requests.push({ method: req.method ?? '', path: p, status });
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const error = (status: number, messages: string[], errors: Json = {}) =>
      send(status, { errorMessages: messages, errors });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Json = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json) : {};
    } catch {
      return error(400, ['Unexpected character: the request body is not JSON.']);
    }

    const expected = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return error(401, ['Client must be authenticated to access this resource.']);
    const failure = failures.shift();
    if (failure)
      return send(
        failure.status,
        { errorMessages: [`Injected failure ${failure.status}`], errors: {} },
        failure.headers,
      );

    let m: RegExpExecArray | null;
    if (req.method === 'GET' && p === '/rest/api/3/myself')
      return send(200, {
        self: `${api}/user?accountId=bot-account-id`,
        accountId: 'bot-account-id',
        accountType: 'atlassian',
        emailAddress: email,
        displayName: 'Bugfix Bot',
        active: true,
        timeZone: 'UTC',
      });
    if (req.method === 'POST' && p === '/rest/api/3/issue') return createIssue(body, send);
    if (req.method === 'GET' && p === '/rest/api/3/search/jql') return search(u.searchParams, send);
    if (req.method === 'POST' && p === '/rest/api/3/comment/list') {
      const ids = new Set(((body.ids as unknown[]) ?? []).map(String));
      const withProperties = (u.searchParams.get('expand') ?? '').split(',').includes('properties');
      const values = issues.flatMap((i) =>
        i.comments.filter((c) => ids.has(c.id)).map((c) => commentJson(c, i, withProperties)),
      );
      return send(200, { maxResults: 1000, startAt: 0, total: values.length, isLast: true, values });
    }
    if ((m = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(p))) {
      const issue = find(decodeURIComponent(m[1]!));
      if (!issue) return error(404, ['Issue does not exist or you do not have permission to see it.']);
      if (!m[2] && req.method === 'GET') return send(200, issueJson(issue));
      if (m[2] === '/comment' && req.method === 'GET') {
        const startAt = Number(u.searchParams.get('startAt') ?? 0);
        const maxResults = Math.min(Number(u.searchParams.get('maxResults') ?? 5000), 5000);
        const ordered = u.searchParams.get('orderBy') === '-created' ? [...issue.comments].reverse() : issue.comments;
        return send(200, {
          startAt,
          maxResults,
          total: issue.comments.length,
          comments: ordered.slice(startAt, startAt + maxResults).map((c) => commentJson(c, issue, false)),
        });
      }
      if (m[2] === '/comment' && req.method === 'POST') {
        const adf = body.body as { type?: string; version?: number } | undefined;
        if (adf?.type !== 'doc' || adf.version !== 1)
          return error(400, [], { comment: 'Comment body is not valid! It must be an Atlassian Document.' });
        const comment: JiraFakeComment = {
          id: String(nextCommentId++),
          body: adf,
          created: new Date().toISOString().replace('Z', '+0000'),
          properties: Array.isArray(body.properties) ? (body.properties as JiraFakeComment['properties']) : [],
        };
        issue.comments.push(comment);
        return send(201, commentJson(comment, issue, false));
      }
      if (m[2] === '/transitions' && req.method === 'GET')
        return send(200, {
          expand: 'transitions',
          transitions: offered(issue).map((t) => ({
            id: t.id,
            name: t.name,
            to: statusJson(t.to),
            hasScreen: false,
            isGlobal: !t.from,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          })),
        });
      if (m[2] === '/transitions' && req.method === 'POST') {
        const id = String((body.transition as { id?: unknown } | undefined)?.id ?? '');
        const t = offered(issue).find((x) => x.id === id);
        if (!t) return error(400, [`Transition id '${id}' is not valid for this issue.`]);
        issue.status = t.to;
        return send(204);
      }
    }
    return error(404, [`No fake for ${req.method} ${p}`]);
  }

  type Send = (status: number, body: unknown) => void;
  function createIssue(body: Json, sendRaw: Send) {
    const fields = (body.fields ?? {}) as Json;
    const project = fields.project as { key?: string } | undefined;
    const errors: Json = {};
    if (!project?.key) errors.project = 'Specify a valid project ID or key';
    if (typeof fields.summary !== 'string' || !fields.summary.trim())
      errors.summary = 'You must specify a summary of the issue.';
    if (!(fields.issuetype as { name?: string } | undefined)?.name) errors.issuetype = 'Specify an issue type';
    if (Object.keys(errors).length) return sendRaw(400, { errorMessages: [], errors });
    const issue = addIssue({
      project: project!.key!,
      summary: fields.summary as string,
      description: fields.description ?? null,
      labels: Array.isArray(fields.labels) ? fields.labels.map(String) : [],
      issueType: (fields.issuetype as { name: string }).name,
    });
    return sendRaw(201, { id: issue.id, key: issue.key, self: `${api}/issue/${issue.id}` });
  }
  function search(params: URLSearchParams, sendRaw: Send) {
    const jql = params.get('jql') ?? '';
    const where = jql.replace(/\s+ORDER\s+BY\s+.*$/i, '').trim();
    const clauses = where ? where.split(/\s+AND\s+/i) : [];
    const tests: ((i: JiraFakeIssue) => boolean)[] = [];
    for (const clause of clauses) {
      const c = /^(project|labels)\s*=\s*"?([^"]*)"?$/i.exec(clause.trim());
      if (!c) return sendRaw(400, { errorMessages: [`Error in the JQL Query: cannot read '${clause}'.`], errors: {} });
      const [, field, value] = c;
      tests.push(field!.toLowerCase() === 'project' ? (i) => i.project === value : (i) => i.labels.includes(value!));
    }
    const maxResults = Number(params.get('maxResults') ?? 50);
    const hits = issues.filter((i) => tests.every((t) => t(i))).slice(0, maxResults);
    return sendRaw(200, { issues: hits.map(issueJson), isLast: true });
  }

  return {
    url,
    email,
    apiToken,
    issues,
    requests,
    addIssue,
    issue: (key: string) => find(key),
    /** The next requests (after auth) fail with `status`, in order. */
    failNext(status: number, headers: Record<string, string> = {}) {
      failures.push({ status, headers });
    },
    /** The `jira:issue_created` / `jira:issue_updated` body Jira Cloud would send for a stored issue. */
    webhookPayload(
      key: string,
      event: 'jira:issue_created' | 'jira:issue_updated' = 'jira:issue_created',
      changelog?: Json,
    ) {
      const issue = find(key);
      if (!issue) throw new Error(`no issue ${key}`);
      return jiraWebhookPayload(issueJson(issue), event, changelog);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type JiraFake = Awaited<ReturnType<typeof startJiraFake>>;

/** Jira Cloud's issue event body: webhookEvent, timestamp, user, issue, and a changelog on updates. */
export function jiraWebhookPayload(issue: Json, event: string, changelog?: Json): Json {
  return {
    timestamp: Date.now(),
    webhookEvent: event,
    issue_event_type_name: event === 'jira:issue_created' ? 'issue_created' : 'issue_generic',
    user: {
      self: 'https://acme.atlassian.net/rest/api/2/user?accountId=5b10a2844c20165700ede21g',
      accountId: '5b10a2844c20165700ede21g',
      displayName: 'Sam Support',
      active: true,
      timeZone: 'Europe/Paris',
      accountType: 'atlassian',
    },
    issue,
    ...(changelog ? { changelog } : {}),
  };
}

/** The changelog of an update that added `label` to labels that were `before`. */
export function labelAddedChangelog(before: string[], label: string): Json {
  return {
    id: String(randomInt(10_000, 99_999)),
    items: [
      {
        field: 'labels',
        fieldtype: 'jira',
        fieldId: 'labels',
        from: null,
        fromString: before.join(' '),
        to: null,
        toString: [...before, label].join(' '),
      },
    ],
  };
}

/** Posts a webhook as Jira Cloud does for an admin webhook with a secret: `X-Hub-Signature: sha256=<HMAC of the body>`. */
export function deliverJiraWebhook(
  endpoint: string,
  payload: unknown,
  secret: string | undefined,
  opts: { body?: string; signature?: string } = {},
): Promise<Response> {
  const body = opts.body ?? JSON.stringify(payload);
  const signature =
    opts.signature ?? (secret ? `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` : undefined);
  return fetch(endpoint, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': String(randomInt(1, 2 ** 31)),
      ...(signature ? { 'x-hub-signature': signature } : {}),
    },
  });
}
