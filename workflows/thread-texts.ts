import type { Run } from './run-state';
import type { PullRequestCheck, PullRequestRef } from './domain/types';
import { escapeText } from './domain/slack-text';
import { recurrenceSources } from './domain/log-report';

/** What the run says in its Slack thread; production and GitHub text in it is escaped. */

export function differsText(pr: PullRequestRef, check: PullRequestCheck): string {
  const list = check.differences.slice(0, 20).map((d) => `• ${escapeText(d)}`);
  const more = check.differences.length > 20 ? [`… and ${check.differences.length - 20} more`] : [];
  const guarded = check.protectedFiles.length
    ? [
        `It changes protected files (${check.protectedFiles.map((f) => escapeText(f.path)).join(', ')}): only a protected-path approver can adopt it.`,
      ]
    : [];
  return [
    `Pull request ${pr.url} does not match the approved fix:`,
    ...list,
    ...more,
    ...guarded,
    'Approve above to adopt it as it is, or Reject to leave it; nothing is merged meanwhile.',
  ].join('\n');
}

export function reminderText(remainingMs: number): string {
  const minutes = Math.round(remainingMs / 60_000);
  const left =
    minutes < 1
      ? 'less than a minute'
      : minutes === 1
        ? 'about a minute'
        : minutes < 120
          ? `about ${minutes} minutes`
          : `about ${Math.round(minutes / 60)} hours`;
  return `Reminder: this fix is waiting for a decision (Approve or Reject above). It expires in ${left}.`;
}

export function regressionText(run: Run): string {
  const v = run.record.verification!;
  // Production text, quoted inert.
  const samples = v.samples
    .map(
      (o) => `• ${o.at} ${escapeText(o.message.slice(0, 200))}${o.url ? ` (${escapeText(o.url.slice(0, 300))})` : ''}`,
    )
    .join('\n');
  const sources = recurrenceSources(v);
  return [
    `The error came back after the deploy: ${v.recurrences} occurrence(s) between ${v.from} and ${v.to} (${v.ratePerHourAfter}/h after, ${v.ratePerHourBefore}/h before)${sources ? `; ${sources}` : ''}.`,
    samples,
    'Approve the revert above to open a pull request that takes the fix back out, or keep the fix.',
  ]
    .filter(Boolean)
    .join('\n');
}
