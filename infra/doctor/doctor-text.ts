import type { CheckResult, CheckStatus } from './check';

const ORDER: CheckStatus[] = ['ok', 'warn', 'fail', 'skip'];

/** One line per check, `status  id  detail  → hint`, aligned. */
export function doctorLines(results: readonly CheckResult[]): string[] {
  const width = Math.max(0, ...results.map((r) => r.id.length));
  return results.map(
    (r) =>
      `${r.status.padEnd(4)}  ${r.id.padEnd(width)}  ${r.detail}${r.hint && r.status !== 'ok' ? `  → ${r.hint}` : ''}`,
  );
}

/** "15 ok, 1 warn, 2 fail: slack.channel, github.permissions". */
export function doctorSummary(results: readonly CheckResult[]): string {
  const counts = ORDER.map((s) => [s, results.filter((r) => r.status === s).length] as const).filter(([, n]) => n);
  const failed = results.filter((r) => r.status === 'fail').map((r) => r.id);
  return `${counts.map(([s, n]) => `${n} ${s}`).join(', ')}${failed.length ? `: ${failed.join(', ')} failed` : ''}`;
}
