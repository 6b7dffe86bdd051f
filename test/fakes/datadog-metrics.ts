/**
 * The Metrics API v1 timeseries query of the Datadog fake (`GET /api/v1/query?from=&to=&query=`), as
 * Datadog documents it (Metrics > Query timeseries points): `from` and `to` in epoch seconds, the
 * answer a `MetricsQueryResponse` whose series carry `pointlist: [[epoch ms, value | null], ...]`,
 * `interval` in seconds, `start`/`end` in epoch ms and `unit: [primary, per | null]`.
 *
 * Queries read `<aggr>:<metric>{<scope>}` followed by `.as_count()`, `.as_rate()` or
 * `.rollup(<aggr>, <seconds>)`; the scope is `*` or `key:value` tags joined by commas. What a
 * metric holds is told by its name:
 * - `*.errors` (APM's `trace.<operation>.errors`): the fake's error logs (status `error`) matching the
 *   scope (`service:` against the log's service, other tags against its tags), counted per rollup
 *   interval; `.as_rate()` divides by the interval (per second). No such log in the range: no series.
 * - `*.duration` or `*latency*` (APM's `trace.<operation>.duration`): the service's latency script
 *   (`setLatency`), averaged over each interval (as the `avg` rollup does) and answered in seconds (unit `second`), as APM does.
 * - any other metric: no series, as Datadog answers for a metric without data.
 * The rollup interval is the query's `.rollup`, else the smallest of Datadog's usual steps that
 * keeps the answer within 300 points; intervals are aligned on the epoch.
 */

import type { FakeLog } from './datadog-fake';

/** A latency in milliseconds at an instant (null: no data), or steps: each value holds from its `from` on. */
export type LatencyScript =
  ((at: Date) => number | null | undefined) | { from: string | number | Date; valueMs: number | null }[];

export interface MetricsSource {
  /** Times (epoch ms) of the error logs whose service and tags match the scope's tags. */
  errorTimes(tags: [string, string][]): number[];
  latency(service: string | undefined): LatencyScript;
}

interface ParsedQuery {
  aggr: string;
  metric: string;
  scope: string;
  tags: [string, string][];
  functions: string;
  rollupSeconds?: number;
}

const STEPS = [20, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400];
const MAX_POINTS = 300;

const ERROR_UNIT = { family: 'general', name: 'error', short_name: 'err', plural: 'errors', scale_factor: 1 };
const SECOND_UNIT = { family: 'time', name: 'second', short_name: 's', plural: 'seconds', scale_factor: 1 };

export function parseMetricQuery(query: string): ParsedQuery | string {
  const m = /^\s*(avg|sum|min|max):([A-Za-z][\w.]*)\{([^{}]*)\}((?:\.\w+\([^()]*\))*)\s*$/.exec(query);
  if (!m) return `Error parsing query: unable to parse ${query}: Rule 'scope_expr' didn't match`;
  const [, aggr, metric, rawScope, functions] = m as unknown as [string, string, string, string, string];
  const scope = rawScope.trim() || '*';
  const tags: [string, string][] = [];
  if (scope !== '*') {
    for (const tag of scope.split(',').map((t) => t.trim())) {
      const colon = tag.indexOf(':');
      if (colon <= 0 || !/^[\p{L}\p{N}_\-:./]+$/u.test(tag)) return `Error parsing query: invalid tag ${tag}`;
      tags.push([tag.slice(0, colon), tag.slice(colon + 1)]);
    }
  }
  for (const [, name] of functions.matchAll(/\.(\w+)\(/g))
    if (!['as_count', 'as_rate', 'rollup'].includes(name!)) return `The fake does not know the function ${name}()`;
  const rollup = /\.rollup\((?:\w+\s*,\s*)?(\d+)\)/.exec(functions);
  return { aggr, metric, scope, tags, functions, ...(rollup ? { rollupSeconds: Number(rollup[1]) } : {}) };
}

/** The status and JSON body for one query's URL parameters. */
export function answerMetricsQuery(params: URLSearchParams, source: MetricsSource): { status: number; body: unknown } {
  const bad = (message: string) => ({ status: 400, body: { errors: [message] } });
  for (const name of ['from', 'to', 'query'])
    if (!params.get(name)?.trim()) return bad(`Missing required parameter '${name}'`);
  const [from, to] = [params.get('from')!, params.get('to')!].map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to))
    return bad("Invalid 'from' or 'to': expected seconds since the Unix epoch");
  if (from! >= to!) return bad("'from' must be before 'to'");
  const query = params.get('query')!;
  const parsed = parseMetricQuery(query);
  if (typeof parsed === 'string') return bad(parsed);

  const span = to! - from!;
  const interval =
    parsed.rollupSeconds && span / parsed.rollupSeconds <= 1500
      ? parsed.rollupSeconds
      : (STEPS.find((s) => span / s <= MAX_POINTS) ?? STEPS[STEPS.length - 1]!);
  const starts: number[] = [];
  for (let t = Math.floor(from! / interval) * interval; t < to!; t += interval) starts.push(t * 1000);

  const series = seriesOf(parsed, starts, interval, source);
  return {
    status: 200,
    body: {
      status: 'ok',
      res_type: 'time_series',
      query,
      from_date: from! * 1000,
      to_date: to! * 1000,
      series: series
        ? [
            {
              metric: parsed.metric,
              display_name: parsed.metric,
              expression: `${parsed.aggr}:${parsed.metric}{${parsed.scope}}${parsed.functions}`,
              scope: parsed.scope,
              tag_set: [],
              query_index: 0,
              aggr: parsed.aggr,
              pointlist: series.points,
              start: starts[0],
              end: starts[starts.length - 1]! + interval * 1000 - 1000,
              interval,
              length: starts.length,
              unit: series.unit,
            },
          ]
        : [],
      message: '',
      group_by: [],
    },
  };
}

function seriesOf(
  q: ParsedQuery,
  starts: number[],
  interval: number,
  source: MetricsSource,
): { points: [number, number | null][]; unit: unknown[] } | undefined {
  const ms = interval * 1000;
  if (/\.errors$/.test(q.metric)) {
    const times = source.errorTimes(q.tags);
    const first = starts[0]!;
    const end = starts[starts.length - 1]! + ms;
    if (!times.some((t) => t >= first && t < end)) return undefined;
    const perSecond = q.functions.includes('.as_rate()');
    const points = starts.map((s): [number, number] => {
      const n = times.filter((t) => t >= s && t < s + ms).length;
      return [s, perSecond ? n / interval : n];
    });
    return { points, unit: [ERROR_UNIT, perSecond ? SECOND_UNIT : null] };
  }
  if (/\.duration$|latency/.test(q.metric)) {
    const service = q.tags.find(([k]) => k === 'service')?.[1];
    const script = source.latency(service);
    // Each point is the mean over its interval, as Datadog's `avg` rollup reports it (sampled once a second, at most 60 times).
    const samples = Math.min(interval, 60);
    const points = starts.map((s): [number, number | null] => {
      const values = Array.from({ length: samples }, (_, k) => latencyAt(script, s + (k * ms) / samples)).filter(
        (v): v is number => v !== null,
      );
      return [s, values.length ? values.reduce((a, b) => a + b, 0) / values.length / 1000 : null];
    });
    return { points, unit: [SECOND_UNIT, null] };
  }
  return undefined;
}

function latencyAt(script: LatencyScript, at: number): number | null {
  if (typeof script === 'function') {
    const v = script(new Date(at));
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  let value: number | null = null;
  const steps = script.map((s) => ({ from: new Date(s.from).getTime(), valueMs: s.valueMs }));
  for (const step of steps.sort((a, b) => a.from - b.from)) if (step.from <= at) value = step.valueMs;
  return value;
}

/** Error logs whose service and tags match a metric scope's tags (case-insensitive, as Datadog's tags are). */
export function errorTimes(logs: FakeLog[], tags: [string, string][]): number[] {
  const lower = (s: string | undefined) => (s ?? '').toLowerCase();
  return logs
    .filter(
      (l) =>
        lower(l.attributes.status) === 'error' &&
        tags.every(([k, v]) =>
          k === 'service'
            ? lower(l.attributes.service) === lower(v)
            : l.attributes.tags.some((t) => lower(t) === lower(`${k}:${v}`)),
        ),
    )
    .map((l) => Date.parse(l.attributes.timestamp));
}
