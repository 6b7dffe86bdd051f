/** How the report's figures read, the same on the admin page and in Slack. */
import type { DebtFixFigures, ServiceFigures } from './compute-report';

/** "45s", "12m", "3h05m", "2d04h"; "-" for none (as the CLI prints durations). */
export function formatSpan(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** "$12.40"; amounts under ten cents to a hundredth of a cent ("$0.0084"), so a cheap fix does not read "$0.00". */
export function formatUsd(v: number | undefined): string {
  if (v === undefined) return '-';
  return `$${v.toFixed(v !== 0 && Math.abs(v) < 0.1 ? 4 : 2)}`;
}
export const formatPercent = (v: number | undefined) => (v === undefined ? '-' : `${Math.round(v * 100)}%`);

/** A period as the report's `since` parameter reads it: 604800000 → "7d", 7200000 → "2h". */
export function periodOf(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.max(1, Math.round(ms))}ms`;
}

/** "2 from the debt digest: 1 approved, 1 merged, 1 deployed, $0.0840 (not in the error figures)". */
export function debtFixesText(d: DebtFixFigures): string {
  return `${d.runs} from the debt digest: ${d.approved} approved, ${d.merged} merged, ${d.deployed} deployed, ${formatUsd(d.costUsd)} (not in the error figures)`;
}

/** One service's row of the report's per-service table (admin page and CLI), in its columns' order. */
export function serviceCells(s: ServiceFigures, span: (ms: number | undefined) => string = formatSpan): string[] {
  return [
    s.service,
    String(s.runs),
    String(s.verified),
    String(s.regressed),
    String(s.reverted),
    String(s.rejected),
    String(s.open),
    formatUsd(s.costUsd),
    formatUsd(s.costPerVerifiedFixUsd),
    span(s.medianToVerifiedMs),
  ];
}
