/**
 * What a deploy did in production, as Datadog tells it: the service's error rate and latency before
 * and after (fix effectiveness), and the errors that first appeared after it (candidates for a
 * rollback). Plain data: both cross Temporal's payload boundary and stay in the run's history.
 */

/** Before and after figures of one metric, averaged over each window. */
export interface ImpactFigures<Unit extends string> {
  before: number;
  after: number;
  unit: Unit;
}

/** A time series as `[epoch ms, value]`, oldest first, downsampled to at most `MAX_IMPACT_POINTS`. */
export type ImpactSeries = [number, number][];

export interface FixImpact {
  /** Errors per minute: before is [deployedAt - beforeMs, deployedAt), after is [deployedAt, to]. */
  errorRate: ImpactFigures<'per-minute'>;
  /** Absent when latency is turned off (DATADOG_LATENCY_METRIC empty) or one window had no data. */
  latency?: ImpactFigures<'ms'>;
  series: { errorRate: ImpactSeries; latency?: ImpactSeries };
  /** The metric queries as sent to Datadog, so the figures can be reproduced in a notebook. */
  queries: { errorRate: string; latency?: string };
  /** The measured range, ISO-8601. */
  from: string;
  to: string;
}

export const MAX_IMPACT_POINTS = 60;

/** Why an error that appeared after a deploy is put down to it. */
export type Attribution = 'changed-files' | 'rate-jump';

/** An error of the service whose fingerprint was not seen in the lookback before the deploy. */
export interface NewError {
  fingerprint: string;
  errorType: string;
  /** The error's headline, cut to `MAX_NEW_ERROR_MESSAGE` characters. */
  message: string;
  /** Occurrences after the deploy. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The innermost in-app frame, `file:function`. */
  topFrame?: string;
  /** Files of its stack that the deploy changed, as the change names them (repository paths). */
  touchedFiles: string[];
  attributedBy: Attribution[];
  sample?: { stack?: string; url?: string; traceId?: string };
}

/** The errors a deploy brought, and how much of the logs the search could read to say so. */
export interface NewErrorsReport {
  newErrors: NewError[];
  /** The log search the events came from. */
  query: string;
  /** Events read before and after the deploy. */
  scanned: { before: number; after: number };
  /** New fingerprints left out beyond `MAX_NEW_ERRORS` (the smallest). */
  omitted: number;
  /** True when a limit stopped the search: an error seen before the deploy may then look new. */
  truncated: boolean;
}

export const MAX_NEW_ERRORS = 10;
export const MAX_NEW_ERROR_MESSAGE = 300;
export const MAX_NEW_ERROR_STACK = 4_000;
/** Occurrences after the deploy that make a new error a burst the deploy brought. */
export const DEFAULT_MIN_JUMP = 5;

/**
 * Why a new error is put down to the deploy: its stack runs through a file the deploy changed, or it
 * occurred at least `minJump` times since the deploy. None of either: it stays a new error, unattributed.
 */
export function attributeNewError(input: {
  count: number;
  /** The stack's in-app files as the runtime printed them (`stackFiles`). */
  stackFiles: string[];
  changedFiles: string[];
  minJump?: number;
}): { touchedFiles: string[]; attributedBy: Attribution[] } {
  const touched = touchedFiles(input.stackFiles, input.changedFiles);
  const attributedBy: Attribution[] = [];
  if (touched.length) attributedBy.push('changed-files');
  if (input.count >= Math.max(1, input.minJump ?? DEFAULT_MIN_JUMP)) attributedBy.push('rate-jump');
  return { touchedFiles: touched, attributedBy };
}

/**
 * The changed files a stack names, in the change's spelling. A stack prints deploy paths
 * (`/app/src/cart.ts`, `C:\build\src\Cart.cs`, `webpack:///./src/cart.ts`) or package paths
 * (`com/acme/Cart.java`); a change names repository paths (`src/cart.ts`,
 * `src/main/java/com/acme/Cart.java`). They match when one ends with the other at a `/`, except that
 * a stack's bare file name (`index.js`) does not stand for a deeper repository path: it says too little.
 */
export function touchedFiles(stackFiles: string[], changedFiles: string[]): string[] {
  const stack = stackFiles.map(comparablePath).filter(Boolean);
  const out: string[] = [];
  for (const changed of changedFiles) {
    const c = comparablePath(changed);
    if (!c || out.includes(changed)) continue;
    if (stack.some((s) => sameFile(s, c))) out.push(changed);
  }
  return out;
}

function sameFile(stackPath: string, changed: string): boolean {
  return (
    stackPath === changed ||
    stackPath.endsWith(`/${changed}`) ||
    (stackPath.includes('/') && changed.endsWith(`/${stackPath}`))
  );
}

function comparablePath(path: string): string {
  return path
    .trim()
    .replace(/\\/g, '/')
    .replace(/^file:\/\//, '')
    .replace(/^webpack(?:-internal)?:\/\/[^/]*\//, '')
    .replace(/[?#].*$/, '')
    .replace(/^[A-Za-z]:\//, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(?:\.\/|\/)+/, '');
}
