import type { Run } from './run-state';
import type { LogMatchReport } from './domain/types';
import type { FixImpact } from './domain/impact';
import { logsLine, recurrenceSources } from './domain/log-report';

/** Caveats for the reviewer after the logs search; results recorded before the report carry only the truncation. */
export function logSearchNotes(logs: { report?: LogMatchReport; scanned?: number; truncated?: boolean }): string[] {
  const notes: string[] = [];
  const scanned = logs.report?.scanned ?? logs.scanned ?? 0;
  if (logs.report?.truncated ?? logs.truncated)
    notes.push(`Datadog returned more than ${scanned} log events; only those were read.`);
  if (logs.report && logs.report.matched === 0)
    notes.push(`${logsLine(logs.report)} The suggestion is based on the webhook's data alone.`);
  return notes;
}

/** The closing reply in the thread: how the run ended, how long each leg took, what it cost, where to look. */
export function runSummary(run: Run): string {
  const s = run.status();
  const start = s.firstSeen || s.timeline[0]?.at;
  const legs: [string, string | undefined][] = [
    ['suggestion', run.enteredAt('awaiting-approval')],
    ['approval', s.decision?.at],
    ['merge', s.pullRequest?.mergedAt],
    ['deploy', s.deployment?.at],
    [s.stage === 'verified-fixed' ? 'verified' : 'verdict', s.verification ? run.enteredAt(s.stage) : undefined],
  ];
  const timing = legs
    .filter((leg): leg is [string, string] => Boolean(leg[1] && start))
    .map(([name, at]) => `${name} +${duration(Date.parse(at) - Date.parse(start!))}`)
    .join(' · ');
  const links = [
    s.pullRequest ? `PR: ${s.pullRequest.url}` : '',
    s.deployment?.url ? `Deployment: ${s.deployment.url}` : '',
    s.revertPullRequest ? `Revert PR: ${s.revertPullRequest.url}` : '',
    `Run: ${s.runUrl}`,
  ].filter(Boolean);
  const sources = s.verification ? recurrenceSources(s.verification) : '';
  const verdict = s.verification
    ? ` — ${s.verification.recurrences} occurrence(s) in the ${duration(Date.parse(s.verification.to) - Date.parse(s.verification.from))} after the deploy${sources ? ` (${sources})` : ''}`
    : '';
  return [
    `Run ended: *${s.stage}*${verdict}.`,
    timing ? `From the first alert: ${timing}.` : '',
    s.logs ? logsLine(s.logs) : '',
    s.impact ? impactLine(s.impact) : '',
    s.causedErrors?.length ? `New errors after the deploy put down to the fix: ${s.causedErrors.length}.` : '',
    s.fix ? `Claude Code: ${s.fix.turns} turns, $${s.fix.costUsd.toFixed(2)}.` : '',
    links.join('\n'),
  ]
    .filter(Boolean)
    .join('\n');
}

/** The fix's effect in one line: the service's error rate, and latency when measured, before and after the deploy. */
export function impactLine(i: FixImpact): string {
  const rate = `error rate ${fmt(i.errorRate.before)}/min → ${fmt(i.errorRate.after)}/min`;
  const latency = i.latency ? `, latency ${fmt(i.latency.before)} ms → ${fmt(i.latency.after)} ms` : '';
  return `Impact (Datadog metrics, before → after the deploy): ${rate}${latency}.`;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
