import type { Report, Timing } from '../../workflows/domain/report/compute-report';
import { debtFixesText, formatUsd as formatCost, serviceCells } from '../../workflows/domain/report/report-text';
import { fields, formatDuration, table } from './format';

/** Production text (service names, reasons) without control characters: it must not drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

export function formatRate(rate: number | undefined): string {
  return rate === undefined ? '-' : `${Math.round(rate * 100)}%`;
}

const ms = (v: number | undefined) => (v === undefined ? '-' : formatDuration(v));

function timingRow(label: string, t: Timing): string[] {
  return [label, ms(t.medianMs), ms(t.p90Ms), String(t.runs)];
}

/** `bugfix report`'s human text: the figures first, then the tables. */
export function reportText(r: Report, period: string): string {
  const { verifiedFixedRate: rate } = r;
  const parts = [
    `Fix effectiveness, last ${period} (${r.since} to ${r.now}): ${r.runs} run(s)`,
    '',
    fields([
      ['Outcomes', r.outcomes.map((o) => `${o.outcome} ${o.runs}`).join(' · ') || 'none'],
      [
        'Verified-fixed rate',
        `${formatRate(rate.rate)} (${rate.verified} of ${rate.checked} approved fix(es) that reached verification)`,
      ],
      ['Approved', String(r.approved)],
      ['Regressions', String(r.regressions)],
      ['Reverts', String(r.reverts)],
      ['Cost', `${formatCost(r.costUsd)} in all, ${formatCost(r.costPerVerifiedFixUsd)} per verified fix`],
      ['Debt fixes', r.debtFixes.runs ? debtFixesText(r.debtFixes) : undefined],
    ]),
    '',
    table(
      ['FROM THE ALERT', 'MEDIAN', 'P90', 'RUNS'],
      [
        timingRow('to suggestion', r.timings.toSuggestion),
        timingRow('to approval', r.timings.toApproval),
        timingRow('to merge', r.timings.toMerge),
        timingRow('to verified', r.timings.toVerified),
      ],
    ),
  ];
  if (r.services.length)
    parts.push(
      '',
      table(
        ['SERVICE', 'RUNS', 'VERIFIED', 'REGRESSED', 'REVERTED', 'REJECTED', 'OPEN', 'COST', 'PER FIX', 'TO VERIFIED'],
        r.services.map((s) => serviceCells({ ...s, service: printable(s.service) }, ms)),
      ),
    );
  if (r.rejectionReasons.length)
    parts.push(
      '',
      table(
        ['REJECTED', 'REASON'],
        r.rejectionReasons.map((x) => [String(x.runs), printable(x.reason)]),
      ),
    );
  if (r.impacts.length)
    parts.push(
      '',
      table(
        ['VERIFIED RUN', 'ERROR RATE BEFORE', 'AFTER'],
        r.impacts.map((i) => [printable(i.workflowId), String(i.errorRateBefore), String(i.errorRateAfter)]),
      ),
    );
  return parts.join('\n');
}
