import { ApplicationFailure } from '@temporalio/common';
import { DatadogFailureType } from '../../workflows/domain/failures';
import { fingerprintError, parseErrorStack } from '../../workflows/domain/identity/fingerprint';
import {
  attributeNewError,
  MAX_NEW_ERROR_MESSAGE,
  MAX_NEW_ERROR_STACK,
  MAX_NEW_ERRORS,
  type NewError,
  type NewErrorsReport,
} from '../../workflows/domain/impact';
import { stackFiles } from '../../workflows/domain/stack-files';
import type { ErrorIdentity, LogEvent } from '../../workflows/domain/types';
import { logServiceTerm } from './metric-query';
import type { SearchErrorLogsParams, SearchErrorLogsResult } from './search-error-logs';

export interface FindNewErrorsInput {
  service: string;
  /** When the deploy reached production, ISO-8601. */
  deployedAt: string;
  /** End of the window after the deploy, ISO-8601 (usually now). */
  to: string;
  /** How far before the deploy an error must not have been seen to count as new. */
  lookbackMs: number;
  /** The repository paths the deploy changed. */
  changedFiles: string[];
  /** The run's own error: the one the deploy was meant to fix. */
  excludeFingerprint: string;
  /** Occurrences since the deploy that make a burst (`rate-jump`); default `DEFAULT_MIN_JUMP`. */
  minJump?: number;
}

type Search = (params: SearchErrorLogsParams) => Promise<SearchErrorLogsResult>;

/** Events read per window at most: the search is within the activity, only the groups leave it. */
const MAX_AFTER_EVENTS = 5_000;
const MAX_BEFORE_EVENTS = 20_000;

interface Group {
  identity: ErrorIdentity;
  /** Every fingerprint its events were seen under (message field and `error.message`). */
  fingerprints: Set<string>;
  count: number;
  firstSeen: string;
  lastSeen: string;
  sample: LogEvent;
}

/**
 * The service's errors whose fingerprint first appears after a deploy, by the identity rule
 * (workflows/domain/identity/README.md): the errors after the deploy grouped by fingerprint, less the
 * run's own and every one seen in the lookback before it. Each is attributed (`attributeNewError`),
 * the biggest `MAX_NEW_ERRORS` returned.
 */
export async function findNewErrors(search: Search, input: FindNewErrorsInput): Promise<NewErrorsReport> {
  const deployedAt = Date.parse(input.deployedAt);
  const to = Date.parse(input.to);
  if (!Number.isFinite(deployedAt) || !Number.isFinite(to) || to <= deployedAt || !(input.lookbackMs > 0)) {
    throw ApplicationFailure.create({
      message: `findNewErrors needs deployedAt before to and a positive lookbackMs (got deployedAt ${input.deployedAt}, to ${input.to}, lookbackMs ${input.lookbackMs})`,
      type: DatadogFailureType.BadRequest,
      nonRetryable: true,
    });
  }
  const query = `${logServiceTerm(input.service)} status:error`;

  const groups = new Map<string, Group>();
  const after = await scan(search, query, deployedAt, to, MAX_AFTER_EVENTS, (event) => {
    const ids = identitiesOf(event, input.service);
    const primary = ids[0]!;
    const group = groups.get(primary.fingerprint);
    const at = event.timestamp;
    const g: Group = group ?? {
      identity: primary,
      fingerprints: new Set<string>(),
      count: 0,
      firstSeen: at,
      lastSeen: at,
      sample: event,
    };
    g.count++;
    g.lastSeen = at;
    for (const i of ids) g.fingerprints.add(i.fingerprint);
    // A sample with a stack tells which files the error runs through.
    if (!g.sample.stack && event.stack) g.sample = event;
    groups.set(primary.fingerprint, g);
    return false;
  });
  for (const [key, group] of groups) if (group.fingerprints.has(input.excludeFingerprint)) groups.delete(key);

  // Only what is still a candidate matters before the deploy: the scan stops once none is left.
  let before = { scanned: 0, truncated: false };
  if (groups.size) {
    before = await scan(search, query, deployedAt - input.lookbackMs, deployedAt, MAX_BEFORE_EVENTS, (event) => {
      const seen = identitiesOf(event, input.service).map((i) => i.fingerprint);
      for (const [key, group] of groups) if (seen.some((f) => group.fingerprints.has(f))) groups.delete(key);
      return groups.size === 0;
    });
  }

  const ranked = [...groups.values()].sort((a, b) => b.count - a.count || a.firstSeen.localeCompare(b.firstSeen));
  return {
    newErrors: ranked.slice(0, MAX_NEW_ERRORS).map((g) => toNewError(g, input)),
    query,
    scanned: { before: before.scanned, after: after.scanned },
    omitted: Math.max(0, ranked.length - MAX_NEW_ERRORS),
    truncated: after.truncated || before.truncated,
  };
}

/**
 * Reads the error logs of `[from, to)` oldest first, in as many searches as a limit of the search
 * (events or result size) calls for, each starting at the last event seen; `visit` returns true to stop.
 */
async function scan(
  search: Search,
  query: string,
  from: number,
  to: number,
  max: number,
  visit: (event: LogEvent) => boolean,
): Promise<{ scanned: number; truncated: boolean }> {
  let start = from;
  let scanned = 0;
  // Events at the instant a search resumes from were already visited: skipped by id.
  let atStart = new Set<string>();
  for (;;) {
    const result = await search({
      query,
      from: new Date(start).toISOString(),
      to: new Date(to).toISOString(),
      maxEvents: Math.min(5_000, max - scanned),
      pageSize: 1_000,
    });
    let fresh = 0;
    for (const event of result.events) {
      const at = Date.parse(event.timestamp);
      if (atStart.has(event.id) || !(at >= from && at < to)) continue;
      fresh++;
      scanned++;
      if (visit(event)) return { scanned, truncated: false };
    }
    if (!result.truncated) return { scanned, truncated: false };
    if (!fresh || scanned >= max) return { scanned, truncated: true };
    const last = result.events[result.events.length - 1]!.timestamp;
    const lastAt = Date.parse(last);
    const sameInstant = result.events.filter((e) => e.timestamp === last).map((e) => e.id);
    atStart = lastAt === start ? new Set([...atStart, ...sameInstant]) : new Set(sameInstant);
    start = lastAt;
  }
}

/** The identities a log event is known by: its message field (what a monitor's row shows) first, then `error.message`. */
function identitiesOf(e: LogEvent, service: string): ErrorIdentity[] {
  const stack = e.stack ?? (e.message.includes('\n') ? e.message : undefined);
  const common = {
    service: e.service ?? service,
    ...(stack ? { stack } : {}),
    ...(e.errorKind ? { errorType: e.errorKind } : {}),
  };
  const parsed = parseErrorStack(stack);
  const out = [fingerprintError({ ...common, message: e.message }, parsed)];
  if (e.errorMessage?.trim() && e.errorMessage !== e.message)
    out.push(fingerprintError({ ...common, message: e.errorMessage }, parsed));
  return out;
}

function toNewError(g: Group, input: FindNewErrorsInput): NewError {
  const { sample } = g;
  const files = stackFiles(parseErrorStack(sample.stack));
  const attribution = attributeNewError({
    count: g.count,
    stackFiles: files,
    changedFiles: input.changedFiles,
    ...(input.minJump !== undefined ? { minJump: input.minJump } : {}),
  });
  const headline = (sample.errorMessage ?? sample.message).split('\n')[0]!.trim();
  const kept = {
    ...(sample.stack ? { stack: cut(sample.stack, MAX_NEW_ERROR_STACK) } : {}),
    ...(sample.url ? { url: cut(sample.url, 500) } : {}),
    ...(sample.traceId ? { traceId: sample.traceId } : {}),
  };
  return {
    fingerprint: g.identity.fingerprint,
    errorType: g.identity.errorType,
    message: cut(headline, MAX_NEW_ERROR_MESSAGE),
    count: g.count,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    ...(g.identity.topFrames[0] ? { topFrame: g.identity.topFrames[0] } : {}),
    ...attribution,
    ...(Object.keys(kept).length ? { sample: kept } : {}),
  };
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
