import type { v1 } from '@datadog/datadog-api-client';
import type { ImpactSeries } from '../../workflows/domain/impact';

/** One rollup bucket of a metric: `[at, at + intervalMs)` holds `value`. */
export interface Bucket {
  at: number;
  intervalMs: number;
  value: number;
}

/**
 * A series' rollup interval. The spacing of its points says it best; else the documented `interval`
 * (seconds between data samples); else a minute.
 */
function intervalMsOf(series: v1.MetricsQueryMetadata): number {
  const times = (series.pointlist ?? []).map((p) => p[0]).filter(Number.isFinite);
  let gap = Infinity;
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > 0 && d < gap) gap = d;
  }
  if (Number.isFinite(gap)) return gap;
  if (series.interval && series.interval > 0) return series.interval * 1000;
  return 60_000;
}

/**
 * The points of every series of a response as buckets, one per timestamp: a query grouped `by {...}`
 * answers several series, merged here by summing (counts) or averaging (a gauge such as latency).
 * `scale` turns a point's value into the bucket's (e.g. a per-second rate times the interval).
 * Null points (no data) are left out.
 */
export function bucketsOf(
  series: v1.MetricsQueryMetadata[],
  merge: 'sum' | 'mean',
  scale: (value: number, intervalMs: number) => number,
): Bucket[] {
  const byTime = new Map<number, { intervalMs: number; total: number; n: number }>();
  for (const s of series) {
    const intervalMs = intervalMsOf(s);
    for (const point of s.pointlist ?? []) {
      const [at, value] = point as [number, number | null];
      if (!Number.isFinite(at) || value === null || !Number.isFinite(value)) continue;
      const b = byTime.get(at) ?? { intervalMs, total: 0, n: 0 };
      b.total += scale(value, intervalMs);
      b.n++;
      byTime.set(at, b);
    }
  }
  return [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, b]) => ({ at, intervalMs: b.intervalMs, value: merge === 'sum' ? b.total : b.total / b.n }));
}

/** How much of a bucket lies in `[from, to)`, from 0 to 1. */
function overlap(b: Bucket, from: number, to: number): number {
  const inside = Math.min(b.at + b.intervalMs, to) - Math.max(b.at, from);
  return inside > 0 ? inside / b.intervalMs : 0;
}

/**
 * Events per minute over `[from, to)` from buckets of counts. A bucket that straddles an edge counts
 * for the share of it inside; a bucket without a point counts as none (no errors reported).
 */
export function ratePerMinute(buckets: Bucket[], from: number, to: number): number {
  if (to <= from) return 0;
  const events = buckets.reduce((sum, b) => sum + b.value * overlap(b, from, to), 0);
  return events / ((to - from) / 60_000);
}

/** The mean of a gauge over `[from, to)`, each bucket weighted by its share inside; undefined without data. */
export function meanOver(buckets: Bucket[], from: number, to: number): number | undefined {
  let weight = 0;
  let total = 0;
  for (const b of buckets) {
    const w = overlap(b, from, to);
    weight += w;
    total += b.value * w;
  }
  return weight > 0 ? total / weight : undefined;
}

/**
 * At most `max` points, each the mean of consecutive points, stamped with the first one's time:
 * the series is recorded in the run's history, where its shape matters, not every sample.
 */
export function downsample(points: [number, number][], max: number): ImpactSeries {
  const size = Math.max(1, Math.ceil(points.length / Math.max(1, max)));
  const out: ImpactSeries = [];
  for (let i = 0; i < points.length; i += size) {
    const group = points.slice(i, i + size);
    out.push([group[0]![0], rounded(group.reduce((sum, p) => sum + p[1], 0) / group.length)]);
  }
  return out;
}

/** Four decimals: enough for errors per minute and milliseconds, and short in the history. */
export function rounded(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** Milliseconds per unit of time, by Datadog's unit names. */
const TIME_UNITS_MS: Record<string, number> = {
  nanosecond: 1e-6,
  microsecond: 1e-3,
  millisecond: 1,
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
};

/**
 * Milliseconds per value of a latency series, from its unit (`unit[0]`, the "primary unit"). A series
 * without one is read as seconds, the unit of APM's `trace.*.duration`; one in another family fails.
 */
export function latencyScaleMs(series: v1.MetricsQueryMetadata[]): number | { unsupported: string } {
  for (const s of series) {
    const unit = s.unit?.[0];
    if (!unit?.name) continue;
    const ms = TIME_UNITS_MS[unit.name];
    return ms ?? { unsupported: unit.name };
  }
  return TIME_UNITS_MS.second!;
}
