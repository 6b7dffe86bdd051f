import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Cursor's cloud agents API (v0) on 127.0.0.1: Bearer auth, in-memory agents, and the signed
 * `statusChange` webhook on FINISHED or ERROR. Agents start CREATING, turn RUNNING when first
 * read, and end when the test says so (`finish` / `fail`) or automatically (`autoFinishAfterMs`,
 * `onLaunch`). Point the client's `apiUrl` at `fake.apiUrl`.
 */

type Status = 'CREATING' | 'RUNNING' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'STOPPED';

export interface FakeAgent {
  id: string;
  name: string;
  status: Status;
  createdAt: string;
  summary?: string;
  source: { repository: string; ref?: string };
  target: { branchName: string; url: string; prUrl?: string; autoCreatePr: boolean };
  /** Only sent in the ERROR webhook (the v0 GET answer has no error field). */
  error?: string;
  prompt: { text: string; images?: unknown[] };
  model?: string;
  webhook?: { url: string; secret?: string };
  followups: string[];
}

export interface WebhookDelivery {
  agentId: string;
  url: string;
  attempt: number;
  rawBody: string;
  headers: Record<string, string>;
  /** `X-Webhook-ID`: the same on every attempt of one delivery. */
  deliveryId: string;
  /** The receiver's HTTP status; absent when dropped (`dropped`) or unreachable (`error`). */
  status?: number;
  error?: string;
  dropped?: boolean;
}

export interface CursorFakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body?: unknown;
  status: number;
}

export interface CursorFakeOptions {
  apiKey?: string;
  /** Agents finish on their own this long after launch (after `onLaunch` resolves, if given). */
  autoFinishAfterMs?: number;
  /** Called when an agent is launched (or followed up) in automatic mode; returns the PR url. Throwing makes the agent ERROR. */
  onLaunch?: (agent: FakeAgent) => Promise<string | undefined> | string | undefined;
  /** Record webhooks without sending them, as when Cursor's delivery is lost. */
  dropWebhooks?: boolean;
  /** Attempts per webhook while the receiver answers non-2xx or is unreachable (default 3). */
  webhookAttempts?: number;
  /** Delay before every API answer, to test client timeouts. */
  latencyMs?: number;
}

interface Failure {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CursorFake {
  readonly apiKey: string;
  readonly requests: CursorFakeRequest[] = [];
  readonly webhookDeliveries: WebhookDelivery[] = [];
  private readonly all = new Map<string, FakeAgent>();
  private readonly failures: Failure[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private url = '';
  private readonly createdAt = new Date().toISOString();
  private closed = false;
  /** Resolves on close: cuts short auto-finish waits, retry pauses and slow onLaunch hooks. */
  private readonly closing: Promise<void>;
  private stop = () => {};

  private constructor(
    private readonly server: Server,
    private readonly options: CursorFakeOptions,
  ) {
    this.apiKey = options.apiKey ?? `key_${randomBytes(16).toString('hex')}`;
    this.closing = new Promise((resolve) => (this.stop = resolve));
  }

  static async start(options: CursorFakeOptions = {}): Promise<CursorFake> {
    const server = createServer();
    const fake = new CursorFake(server, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** For `CURSOR_API_URL`. */
  get apiUrl(): string {
    return this.url;
  }
  agent(id: string): FakeAgent | undefined {
    return this.all.get(id);
  }
  /** Oldest first. */
  agents(): FakeAgent[] {
    return [...this.all.values()];
  }

  /** The next `count` API requests answer `status` (with `headers`, e.g. Retry-After) instead. */
  failNext(
    count: number,
    status: number,
    headers: Record<string, string> = {},
    body: unknown = { error: `Simulated HTTP ${status}` },
  ): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, headers, body });
  }

  /** The agent finished its work; resolves when its webhook (if any) has been delivered or given up. */
  finish(id: string, result: { prUrl?: string; branchName?: string; summary?: string } = {}): Promise<void> {
    const agent = this.mustGet(id);
    agent.status = 'FINISHED';
    if (result.prUrl) agent.target.prUrl = result.prUrl;
    if (result.branchName) agent.target.branchName = result.branchName;
    agent.summary = result.summary ?? agent.summary ?? 'Applied the requested change and opened a pull request.';
    return this.track(this.notify(agent));
  }

  /** The agent failed (ERROR, with a webhook) or ran out of time (EXPIRED: Cursor sends no webhook for it). */
  fail(id: string, status: 'ERROR' | 'EXPIRED', message: string): Promise<void> {
    const agent = this.mustGet(id);
    agent.status = status;
    agent.error = message;
    return status === 'ERROR' ? this.track(this.notify(agent)) : Promise.resolve();
  }

  /** Waits for automatic finishes and webhook deliveries in flight. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    await this.idle();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private sleep(ms: number): Promise<void> {
    return Promise.race([sleep(ms), this.closing]);
  }

  private mustGet(id: string): FakeAgent {
    const agent = this.all.get(id);
    if (!agent) throw new Error(`no fake Cursor agent ${id}`);
    return agent;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const body = parseJson(raw);
    const record: CursorFakeRequest = {
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers: req.headers,
      body,
      status: 0,
    };
    this.requests.push(record);
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    if (res.destroyed) return;
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(answer));
    };

    const failure = this.failures.shift();
    if (failure) return send(failure.status, failure.body, failure.headers);
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return send(401, { error: 'Invalid API key' });
    const [status, answer] = this.route(req.method ?? 'GET', url, body);
    send(status, answer);
  }

  private route(method: string, url: URL, body: unknown): [number, unknown] {
    // "API key info": which key authenticated the call.
    if (url.pathname === '/v0/me' && method === 'GET')
      return [200, { apiKeyName: 'bugfix-pipeline', createdAt: this.createdAt, userEmail: 'bugfix-bot@example.test' }];
    const m = /^\/v0\/agents(?:\/([^/]+))?(?:\/(followup|stop))?$/.exec(url.pathname);
    if (!m) return [404, { error: 'Not found' }];
    const [, rawId, action] = m;
    if (!rawId) {
      if (method === 'POST') return this.launch(body);
      if (method === 'GET') return this.list(url.searchParams);
      return [405, { error: 'Method not allowed' }];
    }
    const agent = this.all.get(decodeURIComponent(rawId));
    if (!agent) return [404, { error: 'Agent not found' }];
    if (!action && method === 'GET') return [200, wire(started(agent))];
    if (!action && method === 'DELETE') return [this.all.delete(agent.id) ? 200 : 404, { id: agent.id }];
    if (action === 'stop' && method === 'POST') {
      if (agent.status === 'CREATING' || agent.status === 'RUNNING') agent.status = 'STOPPED';
      return [200, { id: agent.id }];
    }
    if (action === 'followup' && method === 'POST') {
      const text = (body as { prompt?: { text?: unknown } } | undefined)?.prompt?.text;
      if (typeof text !== 'string' || !text.trim()) return [400, { error: 'prompt.text is required' }];
      agent.followups.push(text);
      agent.status = 'RUNNING';
      this.scheduleAutoFinish(agent);
      return [200, { id: agent.id }];
    }
    return [405, { error: 'Method not allowed' }];
  }

  private launch(body: unknown): [number, unknown] {
    const b = (body ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const text = b.prompt?.text;
    const repository = b.source?.repository;
    if (typeof text !== 'string' || !text.trim()) return [400, { error: 'prompt.text is required' }];
    if (typeof repository !== 'string' || !/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/.test(repository))
      return [400, { error: 'source.repository must be a GitHub repository URL' }];
    const webhook = b.webhook as { url?: unknown; secret?: unknown } | undefined;
    if (webhook && (typeof webhook.url !== 'string' || !URL.canParse(webhook.url)))
      return [400, { error: 'webhook.url must be a URL' }];
    if (webhook?.secret !== undefined && (typeof webhook.secret !== 'string' || webhook.secret.length < 32))
      return [400, { error: 'webhook.secret must be at least 32 characters' }];

    const id = `bc_${randomBytes(6).toString('hex')}`;
    const name = text.trim().split('\n')[0]!.slice(0, 60);
    const requested = b.target?.branchName;
    const agent: FakeAgent = {
      id,
      name,
      status: 'CREATING',
      source: { repository, ...(typeof b.source?.ref === 'string' ? { ref: b.source.ref } : {}) },
      target: {
        branchName:
          typeof requested === 'string' && requested
            ? requested
            : `cursor/${name
                .toLowerCase()
                .replace(/[^a-z0-9]+/g, '-')
                .slice(0, 30)}-${randomBytes(2).toString('hex')}`,
        url: `https://cursor.com/agents?id=${id}`,
        autoCreatePr: b.target?.autoCreatePr === true,
      },
      createdAt: new Date().toISOString(),
      prompt: b.prompt as FakeAgent['prompt'],
      ...(typeof b.model === 'string' ? { model: b.model } : {}),
      ...(webhook ? { webhook: webhook as FakeAgent['webhook'] } : {}),
      followups: [],
    };
    this.all.set(id, agent);
    this.scheduleAutoFinish(agent);
    return [200, wire(agent)];
  }

  private list(params: URLSearchParams): [number, unknown] {
    const limit = params.has('limit') ? Number(params.get('limit')) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return [400, { error: 'limit must be between 1 and 100' }];
    const offset = params.get('cursor') ? Number(Buffer.from(params.get('cursor')!, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) return [400, { error: 'invalid cursor' }];
    const newestFirst = this.agents().reverse();
    const page = newestFirst.slice(offset, offset + limit).map(started);
    const next =
      offset + limit < newestFirst.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
    return [200, { agents: page.map(wire), ...(next ? { nextCursor: next } : {}) }];
  }

  private scheduleAutoFinish(agent: FakeAgent): void {
    const { autoFinishAfterMs, onLaunch } = this.options;
    if (autoFinishAfterMs === undefined && !onLaunch) return;
    const work = async () => {
      const done = Promise.all([this.sleep(autoFinishAfterMs ?? 0), onLaunch?.(structuredClone(agent))]);
      const [, prUrl] = (await Promise.race([done, this.closing])) ?? [];
      if (this.closed || agent.status === 'STOPPED' || !this.all.has(agent.id)) return;
      await this.finish(agent.id, { ...(prUrl ? { prUrl } : {}) });
    };
    void this.track(
      work().catch((err: unknown) =>
        this.closed ? undefined : this.fail(agent.id, 'ERROR', err instanceof Error ? err.message : String(err)),
      ),
    );
  }

  private async notify(agent: FakeAgent): Promise<void> {
    if (!agent.webhook) return;
    const payload = {
      event: 'statusChange',
      timestamp: new Date().toISOString(),
      id: agent.id,
      status: agent.status,
      source: agent.source,
      target: {
        url: agent.target.url,
        branchName: agent.target.branchName,
        ...(agent.target.prUrl ? { prUrl: agent.target.prUrl } : {}),
      },
      ...(agent.summary ? { summary: agent.summary } : {}),
      ...(agent.status === 'ERROR' && agent.error ? { error: agent.error } : {}),
    };
    const rawBody = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Cursor-Agent-Webhook/1.0',
      'x-webhook-event': 'statusChange',
      'x-webhook-id': randomUUID(),
      ...(agent.webhook.secret
        ? {
            'x-webhook-signature': `sha256=${createHmac('sha256', agent.webhook.secret).update(rawBody).digest('hex')}`,
          }
        : {}),
    };
    const base = { agentId: agent.id, deliveryId: headers['x-webhook-id']!, url: agent.webhook.url, rawBody, headers };
    if (this.options.dropWebhooks) {
      this.webhookDeliveries.push({ ...base, attempt: 1, dropped: true });
      return;
    }
    const attempts = this.options.webhookAttempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const delivery: WebhookDelivery = { ...base, attempt };
      this.webhookDeliveries.push(delivery);
      try {
        const res = await fetch(agent.webhook.url, {
          method: 'POST',
          headers,
          body: rawBody,
          signal: AbortSignal.timeout(5_000),
        });
        await res.arrayBuffer();
        delivery.status = res.status;
        if (res.ok) return;
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
      }
      if (attempt < attempts && !this.closed) await this.sleep(50 * attempt);
    }
  }
}

/** The agent as the API answers it. */
function wire(a: FakeAgent) {
  return {
    id: a.id,
    name: a.name,
    status: a.status,
    source: a.source,
    target: { ...a.target },
    ...(a.summary ? { summary: a.summary } : {}),
    createdAt: a.createdAt,
  };
}

/** Agents turn RUNNING when first read, so a test sees CREATING only in the launch answer. */
function started(a: FakeAgent): FakeAgent {
  if (a.status === 'CREATING') a.status = 'RUNNING';
  return a;
}

function parseJson(raw: string): unknown {
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return raw;
  }
}
