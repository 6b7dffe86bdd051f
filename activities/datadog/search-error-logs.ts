import type { v2 } from '@datadog/datadog-api-client';
import type { LogEvent } from '../../workflows/domain/types';
import { toDatadogFailure } from './datadog-failure';
import { toLogEvent } from './log-event';

export interface SearchErrorLogsParams {
  /** Datadog log search syntax, e.g. `service:checkout status:error "NullReference"`. */
  query: string;
  /** Window start and end: ISO-8601, epoch milliseconds or date math such as `now-15m`. */
  from: string;
  to: string;
  /** Stop after this many events (default 1000). */
  maxEvents?: number;
  /** Events asked for per request (default 200; Datadog allows up to 5000). */
  pageSize?: number;
}

export interface SearchErrorLogsResult {
  /** Oldest first. */
  events: LogEvent[];
  pages: number;
  /** True when the search stopped at a limit while Datadog had more to give. */
  truncated: boolean;
}

export interface SearchErrorLogsOptions {
  /** Called after each page, e.g. with an activity heartbeat. */
  heartbeat?: (progress: { pages: number; events: number }) => void;
  /** Checked between pages; pass the same signal to the client to abort a request in flight. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_EVENTS = 1000;
const DEFAULT_PAGE_SIZE = 200;
/** Temporal rejects payloads over 2 MB: stop well before the result could grow that big. */
const MAX_RESULT_CHARS = 1_500_000;

/**
 * Searches the Logs API v2 (`POST /api/v2/logs/events/search`) and follows
 * `meta.page.after` until the results run out or a limit is reached. Errors come out
 * as `ApplicationFailure`s typed for the activity retry policy.
 */
export async function searchErrorLogs(
  api: Pick<v2.LogsApi, 'listLogs'>,
  params: SearchErrorLogsParams,
  options: SearchErrorLogsOptions = {},
): Promise<SearchErrorLogsResult> {
  const maxEvents = Math.max(1, params.maxEvents ?? DEFAULT_MAX_EVENTS);
  const pageSize = Math.min(5000, Math.max(1, params.pageSize ?? DEFAULT_PAGE_SIZE));
  const events: LogEvent[] = [];
  let size = 0;
  let pages = 0;
  let cursor: string | undefined;

  for (;;) {
    options.signal?.throwIfAborted();
    let response: v2.LogsListResponse;
    try {
      response = await api.listLogs({
        body: {
          filter: { query: params.query, from: params.from, to: params.to },
          sort: 'timestamp',
          page: { limit: Math.min(pageSize, maxEvents - events.length), ...(cursor ? { cursor } : {}) },
        },
      });
    } catch (err) {
      // A cancelled activity should surface as the cancellation, not as a Datadog outage.
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      throw toDatadogFailure(err);
    }
    pages++;
    cursor = response.meta?.page?.after || undefined;

    let dropped = false;
    for (const log of response.data ?? []) {
      const event = toLogEvent(log);
      const length = JSON.stringify(event).length;
      if (events.length >= maxEvents || size + length > MAX_RESULT_CHARS) {
        dropped = true;
        break;
      }
      size += length;
      events.push(event);
    }
    options.heartbeat?.({ pages, events: events.length });

    if (dropped) return { events, pages, truncated: true };
    // An empty page ends the search even with a cursor, so a misbehaving server cannot loop us.
    if (!cursor || !response.data?.length) return { events, pages, truncated: false };
    if (events.length >= maxEvents) return { events, pages, truncated: true };
  }
}
