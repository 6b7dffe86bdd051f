import {
  compareIdentity,
  MISMATCHES,
  type IdentityKey,
  type IdentityMismatch,
} from '../../workflows/domain/identity/compare-identity';
import { fingerprintError, parseErrorStack } from '../../workflows/domain/identity/fingerprint';
import type { AlertContext, ErrorIdentity, LogEvent, LogMatchReport, Occurrence } from '../../workflows/domain/types';
import type { SearchErrorLogsParams, SearchErrorLogsResult } from './search-error-logs';

export interface FetchOccurrenceLogsInput {
  identity: ErrorIdentity;
  query: string;
  alert?: AlertContext | undefined;
  firstSeen: string;
  lastSeen: string;
  /** An explicit window (verification after a deploy); otherwise the alert's, or around the sightings. */
  window?: { from: string; to: string } | undefined;
  /** The throw site an earlier search settled on, so later searches count the same error. */
  topFrames?: string[] | undefined;
}

export interface FetchOccurrenceLogsResult {
  /** Log events of this run's error only, as occurrences with stack, URL, user and trace. */
  occurrences: Occurrence[];
  /** Always set; optional because results recorded before it existed carry only `scanned` and `truncated`. */
  report?: LogMatchReport;
  scanned?: number;
  truncated?: boolean;
}

/**
 * The logs of one unique error: search the alert's window, then keep the events that are the
 * run's error by the identity rule (workflows/domain/identity/README.md), since a monitor's query usually
 * matches other errors too. Every event left out is counted with its reason.
 */
export async function fetchOccurrenceLogs(
  search: (params: SearchErrorLogsParams) => Promise<SearchErrorLogsResult>,
  input: FetchOccurrenceLogsInput,
): Promise<FetchOccurrenceLogsResult> {
  const window = input.window ?? input.alert ?? windowAround(input.firstSeen, input.lastSeen);
  const result = await search({ query: input.query, from: window.from, to: window.to, maxEvents: 1000 });
  const matched = matchLogEvents(input.identity, result.events, input.topFrames);
  const report: LogMatchReport = {
    query: input.query,
    from: window.from,
    to: window.to,
    scanned: result.events.length,
    matched: matched.events.length,
    discarded: matched.discarded,
    truncated: result.truncated,
    ...(matched.topFrames.length ? { topFrames: matched.topFrames } : {}),
  };
  return { occurrences: matched.events.map(toOccurrence), report };
}

export interface MatchedLogEvents {
  events: LogEvent[];
  discarded: Partial<Record<IdentityMismatch, number>>;
  /** The frames the match used: the run's own, else the throw site most matching events share. */
  topFrames: string[];
}

/**
 * A log event is the run's error when its message field (what a monitor's webhook row shows) or
 * its `error.message` (what an APM report shows) has the run's identity. When the run knows no
 * frames (its alert carried no stack), the events settle them: the throw site most of them share
 * wins, and events thrown elsewhere with the same message are left out as `other-frames`.
 */
export function matchLogEvents(identity: ErrorIdentity, events: LogEvent[], knownFrames?: string[]): MatchedLogEvents {
  const discarded: Partial<Record<IdentityMismatch, number>> = {};
  const count = (reason: IdentityMismatch) => (discarded[reason] = (discarded[reason] ?? 0) + 1);
  const runKey: IdentityKey = {
    ...identity,
    topFrames: identity.topFrames.length ? identity.topFrames : (knownFrames ?? []),
  };

  const candidates: { event: LogEvent; frames: string[] }[] = [];
  for (const event of events) {
    const seen = identitiesOf(event, identity.service);
    const verdicts = seen.map((s) => compareIdentity(runKey, s));
    const hit = verdicts.findIndex((v) => v === undefined);
    if (hit >= 0) candidates.push({ event, frames: seen[hit]!.topFrames });
    else count(closest(verdicts as IdentityMismatch[]));
  }

  if (runKey.topFrames.length)
    return { events: candidates.map((c) => c.event), discarded, topFrames: runKey.topFrames };
  const site = dominantThrowSite(candidates.map((c) => c.frames[0]));
  if (!site) return { events: candidates.map((c) => c.event), discarded, topFrames: [] };
  const kept = candidates.filter((c) => c.frames.length === 0 || c.frames[0] === site);
  for (let i = kept.length; i < candidates.length; i++) count('other-frames');
  return { events: kept.map((c) => c.event), discarded, topFrames: [site] };
}

/** What one log event can be recognised by: its message field, and its `error.*` attributes. */
function identitiesOf(e: LogEvent, defaultService: string): IdentityKey[] {
  const service = e.service ?? defaultService;
  const stack = e.stack ?? (e.message.includes('\n') ? e.message : undefined);
  const common = { service, ...(stack ? { stack } : {}), ...(e.errorKind ? { errorType: e.errorKind } : {}) };
  // One trace, read once, whichever message it is matched under.
  const parsed = parseErrorStack(stack);
  const out: IdentityKey[] = [];
  if (e.message.trim()) out.push(fingerprintError({ ...common, message: e.message }, parsed));
  if (e.errorMessage?.trim() && e.errorMessage !== e.message)
    out.push(fingerprintError({ ...common, message: e.errorMessage }, parsed));
  if (!out.length) out.push(fingerprintError({ ...common, message: '' }, parsed));
  return out;
}

/** The mismatch of the candidate that came closest (matched on more before differing). */
function closest(verdicts: IdentityMismatch[]): IdentityMismatch {
  return verdicts.reduce((best, v) => (MISMATCHES.indexOf(v) > MISMATCHES.indexOf(best) ? v : best));
}

function dominantThrowSite(sites: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const s of sites) if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  let best: string | undefined;
  // Ties go to the site seen first (the search is oldest first), so the choice is stable.
  for (const [site, n] of counts) if (!best || n > counts.get(best)!) best = site;
  return best;
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
