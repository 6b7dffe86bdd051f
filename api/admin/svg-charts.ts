/**
 * Small server-rendered SVG charts: no DOM, no script, no external font. Every chart carries its
 * figures as text too (a <title> per chart and per bar, value labels) and as `data-` attributes, so
 * people with a screen reader and tests read the same numbers the bars show.
 */
import { attrs, el, escapeHtml, type Attributes } from './html';

const PLOT_HEIGHT = 140;
const TOP = 22;
const BOTTOM = 44;
const SIDE = 10;
const FONT = 'font-family="system-ui, sans-serif" font-size="11"';

export interface Bar {
  label: string;
  value: number;
  /** The value as people read it ("$1.50", "3"). */
  text: string;
  color?: string;
  data?: Attributes;
}

export interface Stack {
  label: string;
  segments: { key: string; value: number; color: string }[];
  data?: Attributes;
}

function frame(id: string, title: string, width: number, body: string, data: Attributes = {}): string {
  const height = TOP + PLOT_HEIGHT + BOTTOM;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img"${attrs({
      id,
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'aria-labelledby': `${id}-title`,
      ...data,
    })}>` +
    el('title', { id: `${id}-title` }, escapeHtml(title)) +
    `<line x1="${SIDE}" y1="${TOP + PLOT_HEIGHT}" x2="${width - SIDE}" y2="${TOP + PLOT_HEIGHT}" stroke="#888"/>` +
    body +
    '</svg>'
  );
}

function label(x: number, text: string, every = true): string {
  if (!every) return '';
  const shown = text.length > 14 ? `${text.slice(0, 13)}…` : text;
  return `<text x="${x}" y="${TOP + PLOT_HEIGHT + 14}" text-anchor="middle" ${FONT} fill="#333">${escapeHtml(shown)}</text>`;
}

/** Vertical bars, one per item, each with its value above it. */
export function barChart(o: { id: string; title: string; bars: Bar[]; data?: Attributes; barWidth?: number }): string {
  const slot = (o.barWidth ?? 44) + 12;
  const width = Math.max(260, SIDE * 2 + slot * o.bars.length);
  const max = Math.max(0, ...o.bars.map((b) => b.value));
  const body = o.bars
    .map((b, i) => {
      const h = max > 0 ? Math.round((b.value / max) * PLOT_HEIGHT) : 0;
      const x = SIDE + i * slot + 6;
      const w = slot - 12;
      return el(
        'g',
        { class: 'bar', 'data-label': b.label, 'data-value': b.value, ...b.data },
        el('title', {}, escapeHtml(`${b.label}: ${b.text}`)),
        `<rect${attrs({ x, y: TOP + PLOT_HEIGHT - h, width: w, height: h, fill: b.color ?? '#4a78c2' })}/>`,
        `<text x="${x + w / 2}" y="${TOP + PLOT_HEIGHT - h - 5}" text-anchor="middle" ${FONT} fill="#111">${escapeHtml(b.text)}</text>`,
        label(x + w / 2, b.label),
      );
    })
    .join('');
  const figures = o.bars.map((b) => `${b.label} ${b.text}`).join(', ');
  return frame(o.id, `${o.title}: ${figures || 'no data'}`, width, body, o.data);
}

/** Stacked vertical bars (one stack a day), with each stack's total above it. */
export function stackedBarChart(o: { id: string; title: string; stacks: Stack[]; data?: Attributes }): string {
  const slot = o.stacks.length > 20 ? 18 : 30;
  const width = Math.max(260, SIDE * 2 + slot * o.stacks.length);
  const total = (s: Stack) => s.segments.reduce((a, g) => a + g.value, 0);
  const max = Math.max(0, ...o.stacks.map(total));
  const labelEvery = Math.max(1, Math.ceil(o.stacks.length / 10));
  const body = o.stacks
    .map((s, i) => {
      const x = SIDE + i * slot + 2;
      const w = slot - 4;
      let y = TOP + PLOT_HEIGHT;
      const rects = s.segments
        .filter((g) => g.value > 0)
        .map((g) => {
          const h = max > 0 ? (g.value / max) * PLOT_HEIGHT : 0;
          y -= h;
          return el(
            'rect',
            {
              x,
              y: y.toFixed(1),
              width: w,
              height: h.toFixed(1),
              fill: g.color,
              'data-outcome': g.key,
              'data-runs': g.value,
            },
            el('title', {}, escapeHtml(`${s.label} ${g.key}: ${g.value}`)),
          );
        })
        .join('');
      const sum = total(s);
      return el(
        'g',
        { class: 'stack', 'data-label': s.label, 'data-total': sum, ...s.data },
        el('title', {}, escapeHtml(`${s.label}: ${sum} run(s)`)),
        rects,
        sum ? `<text x="${x + w / 2}" y="${y - 4}" text-anchor="middle" ${FONT} fill="#111">${sum}</text>` : '',
        label(x + w / 2, s.label.slice(5), i % labelEvery === 0),
      );
    })
    .join('');
  return frame(o.id, o.title, width, body, o.data);
}

/**
 * A verified run's error rate before and after its fix: two bars. Kept apart so a series (rates
 * over time around the deploy) can replace the two points without touching the page.
 */
export function impactChart(
  before: number,
  after: number,
  o: { id?: string; title?: string; unit?: string } = {},
): string {
  const unit = o.unit ?? '';
  return barChart({
    id: o.id ?? 'impact',
    title: o.title ?? 'Error rate before and after the fix',
    barWidth: 40,
    data: { 'data-before': before, 'data-after': after },
    bars: [
      { label: 'before', value: before, text: `${round(before)}${unit}`, color: '#c24a4a' },
      { label: 'after', value: after, text: `${round(after)}${unit}`, color: '#3a9a5b' },
    ],
  });
}

const round = (v: number) => String(Math.round(v * 100) / 100);

/**
 * A metric over time around a deploy: the series as a line, a vertical mark at the deploy, and each
 * window's average as a dashed segment. Points and averages are also `data-` attributes.
 */
export function seriesChart(o: {
  id: string;
  title: string;
  points: [number, number][];
  markAt: number;
  before: number;
  after: number;
  unit: string;
}): string {
  const width = 640;
  const times = [...o.points.map((p) => p[0]), o.markAt];
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const max = Math.max(0, o.before, o.after, ...o.points.map((p) => p[1]));
  const x = (t: number) => SIDE + (t1 > t0 ? ((t - t0) / (t1 - t0)) * (width - 2 * SIDE) : 0);
  const y = (v: number) => TOP + PLOT_HEIGHT - (max > 0 ? (v / max) * PLOT_HEIGHT : 0);
  const f = (n: number) => n.toFixed(1);
  const line = o.points.map(([t, v]) => `${f(x(t))},${f(y(v))}`).join(' ');
  const average = (from: number, to: number, v: number, color: string) =>
    `<line x1="${f(x(from))}" y1="${f(y(v))}" x2="${f(x(to))}" y2="${f(y(v))}" stroke="${color}" stroke-dasharray="4 3"/>`;
  const mark = x(o.markAt);
  const time = (t: number) => new Date(t).toISOString().slice(11, 16);
  const figures = `before ${round(o.before)}${o.unit}, after ${round(o.after)}${o.unit}`;
  const body = [
    o.points.length ? `<polyline points="${line}" fill="none" stroke="#4a78c2" stroke-width="1.5"/>` : '',
    average(t0, o.markAt, o.before, '#c24a4a'),
    average(o.markAt, t1, o.after, '#3a9a5b'),
    `<line x1="${f(mark)}" y1="${TOP - 8}" x2="${f(mark)}" y2="${TOP + PLOT_HEIGHT}" stroke="#111"/>`,
    `<text x="${f(mark)}" y="${TOP - 10}" text-anchor="middle" ${FONT} fill="#111">deploy</text>`,
    `<text x="${SIDE}" y="${TOP + PLOT_HEIGHT + 14}" ${FONT} fill="#333">${time(t0)}</text>`,
    `<text x="${width - SIDE}" y="${TOP + PLOT_HEIGHT + 14}" text-anchor="end" ${FONT} fill="#333">${time(t1)} UTC</text>`,
    `<text x="${SIDE}" y="${TOP + PLOT_HEIGHT + 30}" ${FONT} fill="#333">${escapeHtml(figures)}</text>`,
  ].join('');
  return frame(o.id, `${o.title}: ${figures}`, width, body, {
    'data-points': o.points.length,
    'data-before': o.before,
    'data-after': o.after,
    'data-deployed-at': new Date(o.markAt).toISOString(),
  });
}
