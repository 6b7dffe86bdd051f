import { z } from 'zod';
import { HttpError } from '../http/http-error';
import type { AlertContext, Occurrence } from '../../workflows/domain/types';

/**
 * Parses a Datadog webhook: the default payload ($ID, $EVENT_TITLE, $EVENT_MSG,
 * $DATE, ...) or the richer template in infra/datadog/webhook-payload.json
 * ($ALERT_TRANSITION, $ALERT_QUERY, $TAGS, $LOGS_SAMPLE, ...).
 */

const ACTIVE_TRANSITIONS = new Set(['triggered', 're-triggered', 'renotify', 'warn', 're-warn']);
const text = z.union([z.string(), z.number()]).transform(String);

const payloadSchema = z.looseObject({
  id: text.pipe(z.string().min(1, 'must not be empty')),
  title: z.string().min(1, 'must not be empty'),
  body: z.string().optional(),
  event_type: z.string().optional(),
  date: text.optional(),
  last_updated: text.optional(),
  link: z.string().optional(),
  tags: z.union([z.string(), z.array(z.string())]).optional(),
  service: z.string().optional(),
  alert: z
    .looseObject({
      id: text.optional(),
      transition: z.string().optional(),
      query: z.string().optional(),
      scope: z.string().optional(),
      cycle_key: text.optional(),
      status: z.string().optional(),
    })
    .optional(),
  logs_sample: z.unknown().optional(),
});

const logsSampleSchema = z.object({
  columns: z.array(z.string()).default([]),
  label: z.string().optional(),
  rows: z.array(z.object({ items: z.array(z.unknown()).default([]), message: z.string().optional() })).default([]),
});

export interface ReportedError {
  service: string;
  message: string;
  stack?: string;
  occurrence: Occurrence;
}

export interface ParsedAlert {
  deliveryId: string;
  /** Rows in the delivery's sample; only the first `maxRows` become errors. */
  rowsReceived: number;
  transition: string;
  /** False for recoveries and no-data notices: those are recorded, not turned into fix runs. */
  active: boolean;
  alert: AlertContext;
  errors: ReportedError[];
}

export function parseDatadogAlert(body: unknown, now: Date, opts: { maxRows?: number } = {}): ParsedAlert {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_payload', 'Body must be a JSON object', '(body)');
  }
  const parsed = payloadSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(body)';
    const message =
      issue.code === 'invalid_type' && issue.message.includes('undefined')
        ? `missing required field "${field}"`
        : `field "${field}": ${issue.message}`;
    throw new HttpError(400, 'invalid_payload', message, field);
  }
  const p = parsed.data;
  const tags = (Array.isArray(p.tags) ? p.tags : (p.tags ?? '').split(',')).map((t) => t.trim()).filter(Boolean);
  const transition = p.alert?.transition?.trim() || transitionInTitle(p.title) || 'Triggered';
  const at = parseDatadogDate(p.date ?? p.last_updated) ?? now;
  const alert: AlertContext = {
    eventId: p.id,
    title: p.title,
    ...(p.alert?.id ? { monitorId: p.alert.id } : {}),
    ...(p.alert?.query ? { query: p.alert.query } : {}),
    transition,
    ...(p.link ? { link: p.link } : {}),
    tags,
    from: new Date(at.getTime() - 30 * 60_000).toISOString(),
    to: new Date(Math.max(at.getTime(), now.getTime()) + 60_000).toISOString(),
  };
  const fallbackService =
    p.service ?? tagValue(tags, 'service') ?? tagValue((p.alert?.scope ?? '').split(','), 'service') ?? 'unknown';

  const errors: ReportedError[] = [];
  const sample = parseLogsSample(p.logs_sample);
  const occurrence = (i: number, message: string): Occurrence => ({
    id: `${p.id}#${i}`,
    at: at.toISOString(),
    message,
  });
  if (sample && sample.rows.length) {
    const serviceColumn = sample.columns.findIndex((c) => c.toLowerCase() === 'service');
    sample.rows.slice(0, opts.maxRows ?? sample.rows.length).forEach((row, i) => {
      const raw = row.message?.trim();
      if (!raw) return;
      const item = serviceColumn >= 0 ? row.items[serviceColumn] : undefined;
      errors.push(split(typeof item === 'string' && item ? item : fallbackService, raw, occurrence(i, raw)));
    });
  }
  if (!errors.length) {
    const raw = stripDatadogMarkup(p.body ?? '') || p.title.replace(/^\[[^\]]+\]\s*/, '');
    errors.push(split(fallbackService, raw, occurrence(0, raw)));
  }
  return {
    deliveryId: p.id,
    rowsReceived: sample?.rows.length ?? 0,
    transition,
    active: ACTIVE_TRANSITIONS.has(transition.toLowerCase()),
    alert,
    errors,
  };
}

/** A log message often carries its stack after the first line. */
function split(service: string, raw: string, occurrence: Occurrence): ReportedError {
  const newline = raw.indexOf('\n');
  const message = newline < 0 ? raw : raw.slice(0, newline).trim();
  const stack = newline < 0 ? undefined : raw;
  return {
    service,
    message,
    ...(stack ? { stack } : {}),
    occurrence: { ...occurrence, message, ...(stack ? { stack } : {}) },
  };
}

function parseLogsSample(value: unknown): z.infer<typeof logsSampleSchema> | undefined {
  let v = value;
  if (typeof v === 'string') {
    if (!v.trim() || v.trim() === '$LOGS_SAMPLE') return undefined;
    try {
      v = JSON.parse(v);
    } catch {
      throw new HttpError(400, 'invalid_payload', 'field "logs_sample": not valid JSON', 'logs_sample');
    }
  }
  if (v === undefined || v === null) return undefined;
  const r = logsSampleSchema.safeParse(v);
  if (!r.success) {
    const field = ['logs_sample', ...r.error.issues[0]!.path].join('.');
    throw new HttpError(400, 'invalid_payload', `field "${field}": ${r.error.issues[0]!.message}`, field);
  }
  return r.data;
}

/** Default payloads carry the transition in the title: "[Triggered on {service:x}] …", "[P1] [Recovered] …". */
function transitionInTitle(title: string): string | undefined {
  for (const [, inside] of title.matchAll(/\[([^\]]+)\]/g)) {
    const hit = /^(Re-Triggered|Triggered|Recovered|Re-Warn|Warn|Re-No Data|No Data|Renotify)\b/i.exec(inside!.trim());
    if (hit) return hit[1];
  }
  return undefined;
}

function tagValue(tags: string[], key: string): string | undefined {
  const hit = tags.map((t) => t.trim()).find((t) => t.startsWith(`${key}:`));
  return hit ? hit.slice(key.length + 1) : undefined;
}

/** $DATE / $LAST_UPDATED arrive as epoch milliseconds (or seconds), sometimes as ISO text. */
function parseDatadogDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return new Date(n < 1e12 ? n * 1000 : n);
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** $EVENT_MSG wraps markdown in %%% fences and appends links and notification handles. */
function stripDatadogMarkup(body: string): string {
  return body
    .replace(/%%%/g, '')
    .replace(/\[\[[^\]]*\]\]\([^)]*\)/g, '')
    .replace(/(^|\s)@[\w.-]+/g, '$1')
    .trim();
}
