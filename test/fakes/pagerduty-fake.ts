import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * PagerDuty's Events API v2 (alert events) on 127.0.0.1, from its documented shapes: POST
 * /v2/enqueue, 202 `{status:'success', message:'Event processed', dedup_key}`, 400 `{status:
 * 'invalid event', message:'Event object is invalid', errors}` after the same checks (32-character
 * routing key, event_action, dedup_key ≤ 255, payload on trigger with summary ≤ 1024, source and
 * severity), 429 when throttled. Incidents are kept by dedup key: a trigger while one is open adds
 * an alert to it, a resolve closes it (and is accepted when none is open, as PagerDuty does).
 * Point `PAGERDUTY_EVENTS_URL` at `fake.eventsUrl`.
 */

export interface FakeEvent {
  body: unknown;
  /** What the fake answered. */
  status: number;
}

export interface FakeIncident {
  dedupKey: string;
  routingKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  summary: string;
  severity: string;
  source: string;
  /** Trigger events that reached it: the first opened it, the others were deduplicated into it. */
  alerts: number;
  customDetails?: unknown;
  links?: unknown;
}

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

export class PagerDutyFake {
  /** Every request with a body, oldest first, with the status it got. */
  readonly events: FakeEvent[] = [];
  /** Every incident, oldest first; a dedup key triggered again after its resolution has a second one. */
  readonly incidents: FakeIncident[] = [];
  private readonly failures: number[] = [];
  private url = '';

  private constructor(private readonly server: Server) {}

  static async start(): Promise<PagerDutyFake> {
    const server = createServer();
    const fake = new PagerDutyFake(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** A routing key in the format PagerDuty issues (32 characters). */
  static routingKey(): string {
    return randomBytes(16).toString('hex');
  }

  /** For PAGERDUTY_EVENTS_URL. */
  get eventsUrl(): string {
    return this.url;
  }

  /** The latest incident of `dedupKey`. */
  incident(dedupKey: string): FakeIncident | undefined {
    return this.incidents.findLast((i) => i.dedupKey === dedupKey);
  }

  /** The next `times` requests answer `status` (429 with Retry-After: 1, or a 5xx) and change nothing. */
  failNext(status: 429 | 500 | 502 | 503, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(status);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/v2/enqueue') return send(404, { status: 'not found', message: 'Not Found' });
    if (req.method !== 'POST') return send(405, { status: 'method not allowed', message: 'Method Not Allowed' });

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.events.push({ body: body ?? raw, status });
      send(status, payload, headers);
    };

    const failure = this.failures.shift();
    if (failure === 429) return answer(429, {}, { 'retry-after': '1' });
    if (failure) return answer(failure, { status: 'error', message: 'Internal Server Error' });

    const errors = body === undefined ? ['Event object is not valid JSON'] : validate(body);
    if (errors.length) return answer(400, { status: 'invalid event', message: 'Event object is invalid', errors });

    const event = body as Record<string, unknown>;
    const dedupKey =
      typeof event.dedup_key === 'string' && event.dedup_key ? event.dedup_key : randomBytes(16).toString('hex');
    this.apply(event, dedupKey);
    answer(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
  }

  private apply(event: Record<string, unknown>, dedupKey: string): void {
    const open = this.incidents.findLast((i) => i.dedupKey === dedupKey && i.status !== 'resolved');
    if (event.event_action === 'trigger') {
      if (open) {
        open.alerts++;
        return;
      }
      const payload = event.payload as Record<string, unknown>;
      this.incidents.push({
        dedupKey,
        routingKey: String(event.routing_key),
        status: 'triggered',
        summary: String(payload.summary),
        severity: String(payload.severity),
        source: String(payload.source),
        alerts: 1,
        ...(payload.custom_details !== undefined ? { customDetails: payload.custom_details } : {}),
        ...(event.links !== undefined ? { links: event.links } : {}),
      });
    } else if (open) {
      open.status = event.event_action === 'resolve' ? 'resolved' : 'acknowledged';
    }
  }
}

/** The checks PagerDuty documents, with messages in its style. */
function validate(body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['Event object must be a JSON object'];
  const e = body as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof e.routing_key !== 'string' || !e.routing_key) errors.push("'routing_key' is missing or blank");
  else if (e.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (!ACTIONS.includes(String(e.event_action)))
    errors.push(`'event_action' is invalid (must be one of: ${ACTIONS.join(', ')})`);
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255))
    errors.push("'dedup_key' must be a string of at most 255 characters");
  if (e.event_action !== 'trigger') {
    if (e.event_action !== undefined && ACTIONS.includes(String(e.event_action)) && !e.dedup_key)
      errors.push("'dedup_key' is required for acknowledge and resolve events");
    return errors;
  }
  const p = e.payload;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return [...errors, "'payload' is missing or not an object"];
  const payload = p as Record<string, unknown>;
  if (typeof payload.summary !== 'string' || !payload.summary) errors.push("'payload.summary' is missing or blank");
  else if (payload.summary.length > 1024)
    errors.push("Length of 'payload.summary' is incorrect (should be at most 1024 characters)");
  if (typeof payload.source !== 'string' || !payload.source) errors.push("'payload.source' is missing or blank");
  if (!SEVERITIES.includes(String(payload.severity)))
    errors.push(`'payload.severity' is invalid (must be one of: ${SEVERITIES.join(', ')})`);
  if (payload.timestamp !== undefined && Number.isNaN(Date.parse(String(payload.timestamp))))
    errors.push("'payload.timestamp' is not a valid ISO 8601 date");
  if (e.links !== undefined && (!Array.isArray(e.links) || e.links.some((l) => typeof l?.href !== 'string')))
    errors.push("'links' must be an array of objects with an 'href'");
  return errors;
}
