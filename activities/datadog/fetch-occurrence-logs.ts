import { fingerprintError } from '../../api/fingerprint/fingerprint';
import type { AlertContext, ErrorIdentity, LogEvent, Occurrence } from '../../workflows/types';
import type { SearchErrorLogsParams, SearchErrorLogsResult } from './search-error-logs';

export interface FetchOccurrenceLogsInput {
  identity: ErrorIdentity;
  query: string;
  alert?: AlertContext | undefined;
  firstSeen: string;
  lastSeen: string;
  /** An explicit window (verification after a deploy); otherwise the alert's, or around the sightings. */
  window?: { from: string; to: string } | undefined;
}

export interface FetchOccurrenceLogsResult {
  /** Log events of this run's error only (same fingerprint), as occurrences with stack, URL, user and trace. */
  occurrences: Occurrence[];
  scanned: number;
  truncated: boolean;
}

/**
 * The logs of one unique error: search the alert's window, then keep the events whose
 * fingerprint is the run's, since a monitor's query usually matches other errors too.
 */
export async function fetchOccurrenceLogs(
  search: (params: SearchErrorLogsParams) => Promise<SearchErrorLogsResult>,
  input: FetchOccurrenceLogsInput,
): Promise<FetchOccurrenceLogsResult> {
  const window = input.window ?? input.alert ?? windowAround(input.firstSeen, input.lastSeen);
  const result = await search({ query: input.query, from: window.from, to: window.to, maxEvents: 1000 });
  const occurrences = result.events.filter((e) => sameError(e, input.identity)).map(toOccurrence);
  return { occurrences, scanned: result.events.length, truncated: result.truncated };
}

function sameError(e: LogEvent, identity: ErrorIdentity): boolean {
  const message = e.errorMessage ? `${e.errorKind ? `${e.errorKind}: ` : ''}${e.errorMessage}` : e.message.split('\n')[0]!;
  const stack = e.stack ?? (e.message.includes('\n') ? e.message : undefined);
  const found = fingerprintError({ service: e.service ?? identity.service, message, ...(stack ? { stack } : {}), ...(e.errorKind ? { errorType: e.errorKind } : {}) });
  return found.fingerprint === identity.fingerprint;
}

function toOccurrence(e: LogEvent): Occurrence {
  return {
    id: e.id,
    at: e.timestamp,
    message: e.errorMessage ?? e.message.split('\n')[0]!,
    ...(e.stack ? { stack: e.stack } : {}),
    ...(e.url ? { url: e.url } : {}),
    ...(e.userId ? { userId: e.userId } : {}),
    ...(e.traceId ? { traceId: e.traceId } : {}),
    ...(e.env ? { env: e.env } : {}),
    ...(e.version ? { version: e.version } : {}),
  };
}

function windowAround(firstSeen: string, lastSeen: string): { from: string; to: string } {
  const first = Date.parse(firstSeen) || Date.now();
  const last = Date.parse(lastSeen) || Date.now();
  return { from: new Date(first - 30 * 60_000).toISOString(), to: new Date(last + 60_000).toISOString() };
}
