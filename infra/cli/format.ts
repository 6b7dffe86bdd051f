/** Small text helpers for the human output. */
import { formatSpan } from '../../workflows/domain/report/report-text';

/** "250ms", "45s", "12m", "3h05m", "2d04h"; "?" when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  return ms < 1000 ? `${Math.round(ms)}ms` : formatSpan(ms);
}

export function formatCost(usd: number | undefined): string {
  return usd === undefined ? '-' : `$${usd.toFixed(2)}`;
}

/** Left-aligned columns, wide enough for every cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** `label  value` lines, skipping empty values. */
export function fields(entries: [string, string | undefined][]): string {
  const shown = entries.filter((e): e is [string, string] => Boolean(e[1]));
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}  ${v}`).join('\n');
}
