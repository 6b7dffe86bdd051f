import type { v2 } from '@datadog/datadog-api-client';
import type { LogEvent } from '../../workflows/domain/types';

/** Caps that keep a page of events well inside Temporal's payload size limit. */
const MAX_MESSAGE_CHARS = 4_000;
const MAX_STACK_CHARS = 16_000;

type Attrs = Record<string, unknown>;

function isRecord(v: unknown): v is Attrs {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `a.b.c` whether the log holds it nested (`{a: {b: {c}}}`), as a dotted key
 * (`{"a.b.c": ...}`) or any mix (`{"a": {"b.c": ...}}`).
 */
export function attributeAt(attrs: Attrs, path: string): unknown {
  if (path in attrs) return attrs[path];
  const parts = path.split('.');
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join('.');
    const child = attrs[head];
    if (isRecord(child)) {
      const found = attributeAt(child, parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** First path holding a non-empty scalar, as a string. */
function firstString(attrs: Attrs, ...paths: string[]): string | undefined {
  for (const path of paths) {
    const v = attributeAt(attrs, path);
    if ((typeof v === 'string' && v.trim() !== '') || typeof v === 'number' || typeof v === 'bigint') return String(v);
  }
  return undefined;
}

function tagValue(tags: string[] | undefined, name: string): string | undefined {
  const prefix = `${name}:`;
  return tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length) || undefined;
}

/** Rebuilds a URL from Datadog's URL parser output when the raw `http.url` is absent. */
function urlFromDetails(details: unknown): string | undefined {
  if (!isRecord(details) || typeof details.path !== 'string') return undefined;
  const host = typeof details.host === 'string' ? details.host : '';
  const scheme = typeof details.scheme === 'string' ? details.scheme : 'https';
  const port = typeof details.port === 'number' || typeof details.port === 'string' ? `:${details.port}` : '';
  const query = isRecord(details.queryString)
    ? new URLSearchParams(
        Object.entries(details.queryString).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString()
    : '';
  const origin = host ? `${scheme}://${host}${port}` : '';
  return `${origin}${details.path}${query ? `?${query}` : ''}`;
}

function cap(s: string | undefined, max: number): string | undefined {
  return s !== undefined && s.length > max ? `${s.slice(0, max)}\n…[truncated]` : s;
}

/** Reduces a Logs API event to what the fix needs. */
export function toLogEvent(log: v2.Log): LogEvent {
  const a = log.attributes ?? {};
  const attrs: Attrs = isRecord(a.attributes) ? a.attributes : {};
  const timestamp =
    a.timestamp instanceof Date && !Number.isNaN(a.timestamp.getTime())
      ? a.timestamp.toISOString()
      : String(a.timestamp ?? '');
  const errorMessage = firstString(attrs, 'error.message');
  return {
    id: log.id ?? '',
    timestamp,
    message: cap(a.message || errorMessage || '', MAX_MESSAGE_CHARS) ?? '',
    service: a.service || firstString(attrs, 'service'),
    env: firstString(attrs, 'env', 'dd.env') ?? tagValue(a.tags, 'env'),
    version: firstString(attrs, 'version', 'dd.version') ?? tagValue(a.tags, 'version'),
    errorKind: firstString(attrs, 'error.kind', 'error.type'),
    errorMessage: cap(errorMessage, MAX_MESSAGE_CHARS),
    stack: cap(firstString(attrs, 'error.stack'), MAX_STACK_CHARS),
    url: firstString(attrs, 'http.url') ?? urlFromDetails(attributeAt(attrs, 'http.url_details')),
    userId: firstString(attrs, 'usr.id'),
    traceId: firstString(attrs, 'dd.trace_id', 'trace_id'),
  };
}
