import type { FakeLogInput } from './datadog-fake';

/**
 * Datadog's own shapes for one production error, from its documentation rather than from what the
 * pipeline expects: a log monitor's webhook row carries the log's message field only, while the
 * Logs API event of the same log carries the exception in `error.kind`, `error.message` and
 * `error.stack` (what the Datadog integrations of pino, winston, logback, structlog, ... write).
 */
export interface ProductionError {
  service: string;
  /** `error.kind`. */
  kind: string;
  /** `error.message`. */
  message: string;
  /** `error.stack`. */
  stack?: string;
  /** The log's message field, when the logger wrote its own text (`logger.exception("Charge failed")`); else the error's message. */
  logMessage?: string;
  url?: string;
  userId?: string;
  traceId?: string;
  timestamp?: string | number | Date;
  host?: string;
  tags?: string[];
  id?: string;
}

/** The Logs API event for one occurrence of the error. */
export function errorLogEvent(e: ProductionError): FakeLogInput {
  return {
    ...(e.id ? { id: e.id } : {}),
    ...(e.timestamp !== undefined ? { timestamp: e.timestamp } : {}),
    service: e.service,
    ...(e.host ? { host: e.host } : {}),
    message: e.logMessage ?? e.message,
    tags: e.tags ?? ['env:prod'],
    attributes: {
      error: { kind: e.kind, message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
      ...(e.url ? { http: { method: 'POST', url: e.url, status_code: 500 } } : {}),
      ...(e.userId ? { usr: { id: e.userId } } : {}),
      ...(e.traceId ? { dd: { trace_id: e.traceId, span_id: '1803446109238845512' } } : {}),
    },
  };
}

/**
 * A log monitor's `$LOGS_SAMPLE` for some logs: Datadog's columns and one row a log whose
 * `message` is the log's message field, never the stack.
 */
export function logsSample(
  logs: Pick<FakeLogInput, 'service' | 'message' | 'host' | 'timestamp'>[],
  label = 'Sample Logs',
) {
  const time = (t: FakeLogInput['timestamp']) => new Date(t ?? Date.now()).toISOString().slice(11, 19) + ' UTC';
  return {
    columns: ['Time', 'Host', 'Service'],
    label,
    rows: logs.map((l) => ({ items: [time(l.timestamp), l.host ?? 'web-1', l.service ?? ''], message: l.message })),
  };
}
