import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { answerMetricsQuery, errorTimes, type LatencyScript } from './datadog-metrics';

/**
 * A local fake of the Datadog Logs API v2 search endpoint
 * (`POST /api/v2/logs/events/search`), speaking its JSON so the real
 * `@datadog/datadog-api-client` can be pointed at it (DATADOG_API_URL=fake.url).
 * It also answers the Metrics API v1 timeseries query (`GET /api/v1/query`): error counts
 * come from the error logs added here, latency from `setLatency`; see datadog-metrics.ts for
 * how a query's metric name picks which. Both check DD-API-KEY and DD-APPLICATION-KEY.
 * `GET /api/v1/validate` checks the API key alone, as Datadog does: `{valid: true}`, else 403
 * `{errors: ["Forbidden"]}`.
 *
 * Query support: `service:x`, `status:x`, `host:x`, `@attr.path:x`, any other
 * `key:value` as a tag, free words and "quoted phrases" matched in the message,
 * `*` wildcards in values and `-` negation. Terms are ANDed.
 */

export interface FakeLogInput {
  id?: string;
  /** ISO string, epoch ms or Date; defaults to now. */
  timestamp?: string | number | Date;
  service?: string;
  status?: string;
  message: string;
  host?: string;
  tags?: string[];
  /** The event's custom attributes, nested or with dotted keys. */
  attributes?: Record<string, unknown>;
}

export interface FakeLog {
  id: string;
  type: 'log';
  attributes: {
    timestamp: string;
    service?: string;
    status: string;
    message: string;
    host?: string;
    tags: string[];
    attributes: Record<string, unknown>;
  };
}

export interface DatadogFakeRequest {
  method: string;
  /** Path with query string. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when it was empty or not JSON. */
  body: SearchBody | undefined;
  /** The status the fake answered. */
  status: number;
}

interface SearchBody {
  filter?: { query?: string; from?: string; to?: string };
  sort?: string;
  page?: { limit?: number; cursor?: string };
}

export interface FailOptions {
  /** How many of the next requests fail this way (default 1). */
  count?: number;
  /** Let this many requests through before failing (e.g. 1 to fail the second page). */
  after?: number;
  /** For 429: seconds until the rate-limit window resets (default 60). */
  resetSeconds?: number;
  /** Replaces the default `{"errors": [...]}` body. */
  body?: unknown;
}

export interface DatadogFake {
  url: string;
  apiKey: string;
  appKey: string;
  addLog(input: FakeLogInput): FakeLog;
  /** The service's latency as the Metrics API answers it (`trace.*.duration`); others get `defaultLatencyMs`. */
  setLatency(service: string, script: LatencyScript): void;
  /** Makes the next request(s) fail with this status: 429 carries the X-RateLimit-* headers. */
  failNext(status: number, options?: FailOptions): void;
  /** For `ms` from now every request answers 503 with Datadog's `{"errors": [...]}` body. */
  outage(ms: number): void;
  requests: DatadogFakeRequest[];
  close(): Promise<void>;
}

export interface DatadogFakeOptions {
  apiKey?: string;
  appKey?: string;
  /** Delay before every answer, to test cancellation of a request in flight. */
  latencyMs?: number;
  /** The latency metric of a service without a `setLatency` script (default 100 ms). */
  defaultLatencyMs?: number;
}

const RATE_LIMIT = 300;
const RATE_PERIOD_SECONDS = 3600;
const DEFAULT_ERRORS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not found',
  429: 'Too many requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export async function startDatadogFake(options: DatadogFakeOptions = {}): Promise<DatadogFake> {
  const apiKey = options.apiKey ?? `fake-api-${randomBytes(8).toString('hex')}`;
  const appKey = options.appKey ?? `fake-app-${randomBytes(8).toString('hex')}`;
  const logs: FakeLog[] = [];
  const failures: { status: number; skip: number; remaining: number; options: FailOptions }[] = [];
  const requests: DatadogFakeRequest[] = [];
  const latencies = new Map<string, LatencyScript>();
  let served = 0;
  let outageUntil = 0;

  const send = (
    res: ServerResponse,
    record: DatadogFakeRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const errorBody = (status: number, message?: string) => ({
    errors: [message ?? DEFAULT_ERRORS[status] ?? `HTTP ${status}`],
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = parseJson<SearchBody>(raw);
      const record: DatadogFakeRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        status: 0,
      };
      requests.push(record);
      setTimeout(() => answer(record, raw, res), options.latencyMs ?? 0);
    });
  });

  const answer = (record: DatadogFakeRequest, raw: string, res: ServerResponse) => {
    if (res.destroyed) return;
    if (Date.now() < outageUntil) return send(res, record, 503, errorBody(503));
    const [path, search] = record.url.split('?') as [string, string | undefined];
    if (record.method === 'GET' && path === '/api/v1/validate') {
      return record.headers['dd-api-key'] === apiKey
        ? send(res, record, 200, { valid: true })
        : send(res, record, 403, errorBody(403));
    }
    const metrics = record.method === 'GET' && path === '/api/v1/query';
    if (!metrics && (record.method !== 'POST' || path !== '/api/v2/logs/events/search'))
      return send(res, record, 404, errorBody(404));

    const failure = failures[0];
    if (failure && failure.skip > 0) failure.skip--;
    else if (failure) {
      if (--failure.remaining <= 0) failures.shift();
      const headers = failure.status === 429 ? rateLimitHeaders(0, failure.options.resetSeconds ?? 60) : {};
      return send(res, record, failure.status, failure.options.body ?? errorBody(failure.status), headers);
    }
    if (record.headers['dd-api-key'] !== apiKey || record.headers['dd-application-key'] !== appKey) {
      return send(res, record, 403, errorBody(403));
    }
    if (metrics) {
      served++;
      const result = answerMetricsQuery(new URLSearchParams(search ?? ''), {
        errorTimes: (tags) => errorTimes(logs, tags),
        latency: (service) => latencies.get(service ?? '') ?? (() => options.defaultLatencyMs ?? 100),
      });
      const headers = rateLimitHeaders(Math.max(0, RATE_LIMIT - served), RATE_PERIOD_SECONDS);
      return send(res, record, result.status, result.body, headers);
    }
    if (raw && !record.body) return send(res, record, 400, errorBody(400, 'Invalid JSON body'));

    const now = Date.now();
    const filter = record.body?.filter ?? {};
    const from = parseTime(filter.from ?? 'now-15m', now);
    const to = parseTime(filter.to ?? 'now', now);
    const limit = record.body?.page?.limit ?? 10;
    if (from === undefined || to === undefined) return send(res, record, 400, errorBody(400, 'Invalid time range'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000)
      return send(res, record, 400, errorBody(400, 'page[limit] must be between 1 and 5000'));
    const descending = (record.body?.sort ?? '-timestamp') === '-timestamp';
    const cursorIn = record.body?.page?.cursor;
    const after = cursorIn ? decodeCursor(cursorIn) : undefined;
    if (cursorIn && !after) return send(res, record, 400, errorBody(400, 'Invalid cursor'));

    const matcher = compileQuery(filter.query ?? '*');
    const ordered = logs
      .filter((l) => {
        const t = Date.parse(l.attributes.timestamp);
        return t >= from && t < to && matcher(l);
      })
      .sort((a, b) => compareKey(key(a), key(b)) * (descending ? -1 : 1));
    const start = after ? ordered.findIndex((l) => compareKey(key(l), after) * (descending ? -1 : 1) > 0) : 0;
    const rest = start < 0 ? [] : ordered.slice(start);
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    const cursor = rest.length > limit && last ? encodeCursor(key(last)) : undefined;

    served++;
    const next = `http://${record.headers.host}/api/v2/logs/events?filter%5Bquery%5D=${encodeURIComponent(filter.query ?? '')}&page%5Bcursor%5D=${cursor}`;
    const meta = {
      elapsed: 1,
      request_id: randomBytes(12).toString('base64url'),
      status: 'done',
      ...(cursor ? { page: { after: cursor } } : {}),
    };
    const headers = rateLimitHeaders(Math.max(0, RATE_LIMIT - served), RATE_PERIOD_SECONDS);
    return send(res, record, 200, { data: page, meta, ...(cursor ? { links: { next } } : {}) }, headers);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    appKey,
    requests,
    addLog(input) {
      const ts = input.timestamp === undefined ? new Date() : new Date(input.timestamp);
      const log: FakeLog = {
        id: input.id ?? `AAAAA${randomBytes(36).toString('base64url')}`,
        type: 'log',
        attributes: {
          timestamp: ts.toISOString(),
          ...(input.service ? { service: input.service } : {}),
          status: input.status ?? 'error',
          message: input.message,
          ...(input.host ? { host: input.host } : {}),
          tags: input.tags ?? [],
          attributes: input.attributes ?? {},
        },
      };
      logs.push(log);
      return log;
    },
    setLatency(service, script) {
      latencies.set(service.toLowerCase(), script);
    },
    failNext(status, failOptions = {}) {
      failures.push({ status, skip: failOptions.after ?? 0, remaining: failOptions.count ?? 1, options: failOptions });
    },
    outage(ms) {
      outageUntil = Date.now() + ms;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function rateLimitHeaders(remaining: number, resetSeconds: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(RATE_LIMIT),
    'X-RateLimit-Period': String(RATE_PERIOD_SECONDS),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(resetSeconds),
  };
}

const key = (l: FakeLog) => ({ t: Date.parse(l.attributes.timestamp), id: l.id });
const compareKey = (a: { t: number; id: string }, b: { t: number; id: string }) =>
  a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const encodeCursor = (k: { t: number; id: string }) => Buffer.from(JSON.stringify(k)).toString('base64url');
function decodeCursor(cursor: string): { t: number; id: string } | undefined {
  const k = parseJson<{ t?: unknown; id?: unknown }>(Buffer.from(cursor, 'base64url').toString('utf8'));
  return typeof k?.t === 'number' && typeof k.id === 'string' ? { t: k.t, id: k.id } : undefined;
}

function parseJson<T>(raw: string): T | undefined {
  try {
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** ISO-8601, epoch milliseconds, or date math `now`, `now-15m`, `now+1h`. */
function parseTime(value: string, now: number): number | undefined {
  const math = /^now(?:([+-])(\d+)([smhdw]))?$/.exec(value.trim());
  if (math) {
    const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[math[3] as 's' | 'm' | 'h' | 'd' | 'w'] ?? 0;
    return now + (math[1] === '-' ? -1 : 1) * Number(math[2] ?? 0) * unit;
  }
  if (/^\d+$/.test(value)) return Number(value);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function attributeAt(attrs: Record<string, unknown>, path: string): unknown {
  if (path in attrs) return attrs[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  const child = attrs[path.slice(0, dot)];
  return typeof child === 'object' && child !== null
    ? attributeAt(child as Record<string, unknown>, path.slice(dot + 1))
    : undefined;
}

function wildcard(value: string): RegExp {
  const escaped = value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

function compileQuery(query: string): (log: FakeLog) => boolean {
  const term = /(-?)(?:(@?[\w.-]+):("(?:[^"\\]|\\.)*"|\S+)|"((?:[^"\\]|\\.)*)"|(\S+))/g;
  const tests: ((log: FakeLog) => boolean)[] = [];
  for (const m of query.matchAll(term)) {
    const [, neg, field, rawValue, phrase, word] = m;
    if (word === 'AND' || word === '*') continue;
    let test: (log: FakeLog) => boolean;
    if (field !== undefined && rawValue !== undefined) {
      const value = rawValue.startsWith('"') ? (JSON.parse(rawValue) as string) : rawValue;
      const re = wildcard(value);
      const a = (l: FakeLog) => l.attributes;
      if (field === 'service' || field === 'status' || field === 'host')
        test = (l) => re.test(String(a(l)[field] ?? ''));
      else if (field.startsWith('@')) test = (l) => re.test(String(attributeAt(a(l).attributes, field.slice(1)) ?? ''));
      else
        test = (l) =>
          a(l).tags.some(
            (t) => t.toLowerCase().startsWith(`${field.toLowerCase()}:`) && re.test(t.slice(field.length + 1)),
          );
    } else {
      const text = (phrase !== undefined ? (JSON.parse(`"${phrase}"`) as string) : (word ?? '')).toLowerCase();
      test = (l) => l.attributes.message.toLowerCase().includes(text);
    }
    tests.push(neg ? (l) => !test(l) : test);
  }
  return (log) => tests.every((t) => t(log));
}
