import type { RunState } from '../run-state';

/** The closing reply in the thread: how the run ended, how long each leg took, what it cost, where to look. */
export function runSummary(state: RunState): string {
  const s = state.status();
  const start = s.firstSeen || s.timeline[0]?.at;
  const legs: [string, string | undefined][] = [
    ['suggestion', state.enteredAt('awaiting-approval')],
    ['approval', s.decision?.at],
    ['merge', s.pullRequest?.mergedAt],
    ['deploy', s.deployment?.at],
    [s.stage === 'verified-fixed' ? 'verified' : 'verdict', s.verification ? state.enteredAt(s.stage) : undefined],
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
  const verdict = s.verification ? ` — ${s.verification.recurrences} occurrence(s) in the ${duration(Date.parse(s.verification.to) - Date.parse(s.verification.from))} after the deploy` : '';
  return [
    `Run ended: *${s.stage}*${verdict}.`,
    timing ? `From the first alert: ${timing}.` : '',
    s.fix ? `Claude Code: ${s.fix.turns} turns, $${s.fix.costUsd.toFixed(2)}.` : '',
    links.join('\n'),
  ].filter(Boolean).join('\n');
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
