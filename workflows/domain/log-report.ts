import type { LogDiscardReason, LogMatchReport, Verification } from './types';

const DISCARD_WORDS: Record<LogDiscardReason, string> = {
  'other-service': 'from another service',
  'other-message': 'with another message',
  'other-error-type': 'of another error type',
  'other-frames': 'thrown elsewhere in the code',
};

/** "3 with another message, 1 thrown elsewhere in the code". */
export function discardedText(report: Pick<LogMatchReport, 'discarded'>): string {
  return (Object.entries(report.discarded) as [LogDiscardReason, number][])
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${DISCARD_WORDS[reason]}`)
    .join(', ');
}

/** One line on what Datadog's logs gave this run, for Slack and the CLI. */
export function logsLine(report: LogMatchReport): string {
  const discarded = discardedText(report);
  const rest = discarded ? ` (left out: ${discarded})` : '';
  if (report.matched > 0)
    return `Enriched from ${report.matched} Datadog log event(s) of ${report.scanned} scanned${rest}.`;
  if (report.scanned === 0)
    return `No Datadog log event found for \`${report.query}\` between ${report.from} and ${report.to}.`;
  return `None of ${report.scanned} Datadog log event(s) matched this error${rest}.`;
}

/** Where a verification's count came from. */
export function recurrenceSources(v: Verification): string {
  if (v.fromLogs === undefined) return '';
  const webhooks = v.fromWebhooksOnly ?? 0;
  if (v.logsUnavailable) return `${webhooks} reported by the monitor's webhook; Datadog's logs were unavailable`;
  return `${v.fromLogs} in Datadog's logs${webhooks ? `, ${webhooks} more reported by the monitor's webhook only` : ''}`;
}
