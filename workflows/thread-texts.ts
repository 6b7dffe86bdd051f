import type { Run } from './run-state';
import type { PullRequestCheck, PullRequestRef, Rollback } from './domain/types';
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

/** The escalation's one line: what came back, or what the fix broke. */
export function regressionDetail(run: Run): string {
  const caused = run.record.causedErrors;
  return caused?.length
    ? `the fix caused ${caused.length} new error(s): ${caused.map((e) => e.errorType).join(', ')}`.slice(0, 300)
    : `${run.record.verification?.recurrences ?? 0} occurrence(s) after the deploy`;
}

/**
 * The evidence that the fix caused new errors: each new fingerprint, when it first appeared, how
 * often, and why it is put down to the fix; then what happens next under ROLLBACK_POLICY.
 */
export function causedErrorsText(run: Run, policy: 'ask' | 'auto'): string {
  const { deployment, causedErrors = [] } = run.record;
  const why = (e: (typeof causedErrors)[number]) =>
    [
      e.attributedBy.includes('changed-files')
        ? `its stack runs through ${e.touchedFiles.map((f) => `\`${escapeText(f)}\``).join(', ')}, changed by the fix`
        : '',
      e.attributedBy.includes('rate-jump') ? `${e.count} occurrences right after the deploy` : '',
    ]
      .filter(Boolean)
      .join('; ');
  const list = causedErrors
    .slice(0, 5)
    .map(
      (e) =>
        `• *${escapeText(e.errorType)}*: ${escapeText(e.message.slice(0, 200))} — ${e.count}× since ${e.firstSeen} (first seen after the deploy; ${why(e)})`,
    );
  const next =
    policy === 'auto'
      ? 'ROLLBACK_POLICY=auto: the revert pull request opens now, and is followed to production.'
      : 'Approve the revert above to take the fix back out, or keep the fix.';
  return [
    `The fix was deployed at ${deployment?.at ?? '?'} and ${causedErrors.length} new error(s) of the service appeared after it:`,
    ...list,
    next,
  ].join('\n');
}

/** How the rollback ended: merged, deployed, and whether the errors the fix caused stopped. */
export function rollbackText(rb: Rollback): string {
  if (!rb.merged) return 'The revert pull request was not merged in time: the fix is still in production.';
  if (!rb.deployment)
    return `The revert was merged (${rb.merged.sha.slice(0, 12)} by ${escapeText(rb.merged.by)}) but not deployed in time.`;
  const deployed = `Rolled back: ${rb.deployment.sha.slice(0, 12)} deployed to ${escapeText(rb.deployment.environment)} at ${rb.deployment.at}.`;
  if (!rb.verified) return deployed;
  return rb.verified.stopped
    ? `${deployed} The new errors stopped after the rollback.`
    : `${deployed} ${rb.verified.stillSeen.length} of the new errors are still seen after it: look at the run.`;
}
