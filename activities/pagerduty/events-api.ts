import { invalidEventFailure, httpFailure, unavailableFailure } from './pagerduty-failure';

/**
 * PagerDuty's Events API v2 (alert events), as documented: POST {eventsUrl}/v2/enqueue, the
 * integration's routing key in the body, 202 with the dedup key, 400 `invalid event` with
 * `errors`, 429 when throttled. No retries here: retrying is the activity retry policy's job.
 */

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type PagerDutyEventAction = 'trigger' | 'acknowledge' | 'resolve';

export interface PagerDutyPayload {
  /** At most 1024 characters. */
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

export interface PagerDutyLink {
  href: string;
  text?: string;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyEventAction;
  /** At most 255 characters. */
  dedup_key: string;
  /** Required on `trigger` only. */
  payload?: PagerDutyPayload;
  links?: PagerDutyLink[];
  client?: string;
  client_url?: string;
}

/** `{ status: 'success', message: 'Event processed', dedup_key }`. */
export interface PagerDutyAccepted {
  status: string;
  message: string;
  dedup_key: string;
}

export interface EventsApiOptions {
  /** Base URL, e.g. https://events.pagerduty.com. */
  eventsUrl: string;
  /** Per request, including reading the body. */
  timeoutMs?: number;
  /** Aborts the request, e.g. the activity's cancellation signal. */
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const SUMMARY_MAX = 1024;

/** Sends one event; resolves with PagerDuty's acceptance or throws a typed ApplicationFailure. */
export async function sendEvent(event: PagerDutyEvent, options: EventsApiOptions): Promise<PagerDutyAccepted> {
  const what = `PagerDuty ${event.event_action}`;
  const secret = event.routing_key;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let status: number;
  let headers: Headers;
  let text: string;
  try {
    const res = await fetch(`${options.eventsUrl.replace(/\/+$/, '')}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(event),
      signal,
    });
    ({ status, headers } = res);
    text = await res.text();
  } catch (err) {
    // The caller's cancellation is not an outage: let its reason (the activity's CancelledFailure) through.
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    throw unavailableFailure(what, err, secret);
  }
  const body = parseJson(text);
  if (status === 400) throw invalidEventFailure(what, body, text, secret);
  if (status < 200 || status >= 300) throw httpFailure(what, status, headers, text, secret);
  const accepted = body as Partial<PagerDutyAccepted> | undefined;
  if (typeof accepted?.dedup_key !== 'string' || accepted.status !== 'success') {
    throw unavailableFailure(what, new Error(`HTTP ${status} with an unexpected body: ${text.slice(0, 200)}`), secret);
  }
  return { status: accepted.status, message: String(accepted.message ?? ''), dedup_key: accepted.dedup_key };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
