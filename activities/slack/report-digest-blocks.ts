import type { KnownBlock } from '@slack/web-api';
import type { Report } from '../../workflows/domain/report/compute-report';
import { debtFixesText, formatPercent, formatSpan, formatUsd } from '../../workflows/domain/report/report-text';
import { clip, escapeInlineCode, escapeText, link } from './mrkdwn';

/**
 * The weekly digest of the fix-effectiveness report as one Block Kit message. Service names and
 * rejection reasons come from production and from people: escaped, clipped, never a mention.
 */
export function reportDigestBlocks(
  r: Report,
  opts: { period: string; reportUrl?: string },
): { text: string; blocks: KnownBlock[] } {
  const verified = r.outcomes.find((o) => o.outcome === 'verified-fixed')?.runs ?? 0;
  const rate = r.verifiedFixedRate;
  const text = `Bugfix report, last ${opts.period}: ${r.runs} run(s), ${verified} verified fixed, ${formatUsd(r.costUsd)} spent`;
  const lines = [
    `*Runs:* ${r.runs}  ·  *Verified fixed:* ${verified}  ·  *Verified-fixed rate:* ${formatPercent(rate.rate)} (${rate.verified} of ${rate.checked} checked)`,
    `*Regressions:* ${r.regressions}  ·  *Reverts:* ${r.reverts}`,
    `*Cost:* ${formatUsd(r.costUsd)} in all, ${formatUsd(r.costPerVerifiedFixUsd)} per verified fix`,
    `*Median from the alert:* suggestion ${formatSpan(r.timings.toSuggestion.medianMs)}  ·  approval ${formatSpan(r.timings.toApproval.medianMs)}  ·  merge ${formatSpan(r.timings.toMerge.medianMs)}  ·  verified ${formatSpan(r.timings.toVerified.medianMs)}`,
    `*Outcomes:* ${r.outcomes.map((o) => `${o.outcome} ${o.runs}`).join(' · ') || 'none'}`,
    ...(r.debtFixes.runs ? [`*Technical-debt fixes:* ${debtFixesText(r.debtFixes)}`] : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Bugfix report: the last ${opts.period}`.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
  ];
  if (r.topServices.length)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          '*Top services*',
          ...r.topServices.map(
            (s) =>
              `• \`${escapeInlineCode(clip(s.service, 80))}\`: ${s.runs} run(s), ${s.verified} verified, ${formatUsd(s.costUsd)}`,
          ),
        ].join('\n'),
      },
    });
  if (r.rejectionReasons.length)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          '*Why fixes were rejected*',
          ...r.rejectionReasons.slice(0, 5).map((x) => `• ${x.runs} × ${clip(escapeText(x.reason), 200)}`),
        ].join('\n'),
      },
    });
  if (opts.reportUrl)
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `${link(opts.reportUrl, 'Open the report')} (charts, per-service table, impact)` },
      ],
    });
  return { text: escapeText(text), blocks };
}
