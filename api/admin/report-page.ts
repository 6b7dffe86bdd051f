/**
 * GET /report: the fix-effectiveness report as one self-contained HTML page. Server-rendered SVG,
 * no script, no external font, image or stylesheet (the CSP forbids them); every piece of text is
 * escaped, since service names, error types and reasons come from production and from people.
 */
import { OUTCOMES, type Outcome, type Report, type Timing } from '../../workflows/domain/report/compute-report';
import {
  debtFixesText,
  formatPercent,
  formatSpan,
  formatUsd,
  serviceCells,
} from '../../workflows/domain/report/report-text';
import { dataName, el, escapeHtml } from './html';
import { barChart, impactChart, stackedBarChart } from './svg-charts';

export const PAGE_STYLE = [
  'body{font-family:system-ui,sans-serif;margin:24px;color:#111;max-width:1100px}',
  'h1{font-size:22px}h2{font-size:16px;margin-top:28px}',
  'dl{display:flex;flex-wrap:wrap;gap:12px}dl div{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}',
  'dt{font-size:12px;color:#555}dd{margin:0;font-size:18px;font-weight:600}',
  'table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;font-size:13px}',
  'ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px;font-size:12px}',
  'figure{margin:0 0 12px 0}.impacts{display:flex;flex-wrap:wrap;gap:16px}',
  'form{margin:8px 0}input{margin-right:8px}',
].join('\n');

export const OUTCOME_COLORS: Partial<Record<Outcome, string>> = {
  'verified-fixed': '#3a9a5b',
  regressed: '#d9822b',
  reverted: '#c24a4a',
  rejected: '#8a5cb8',
  escalated: '#4a78c2',
  joined: '#7fa7d9',
  refused: '#b07a3a',
  expired: '#999999',
  'closed-unmerged': '#b8b8b8',
  stalled: '#777777',
  failed: '#5a2a2a',
  ended: '#cccccc',
  open: '#e0c341',
};
/** Stages a run passes through are counted as 'open', so only OUTCOMES need a colour. */
const colorOf = (o: Outcome) => OUTCOME_COLORS[o] ?? '#999999';

const usd = formatUsd;
const pct = formatPercent;
const duration = formatSpan;

const verifiedRuns = (r: Report) => r.outcomes.find((o) => o.outcome === 'verified-fixed')?.runs ?? 0;

function figure(name: string, label: string, value: string | number, shown: string): string {
  return el(
    'div',
    { 'data-figure': name, 'data-value': value },
    el('dt', {}, escapeHtml(label)),
    el('dd', {}, escapeHtml(shown)),
  );
}

function figures(r: Report): string {
  const rate = r.verifiedFixedRate;
  const verified = verifiedRuns(r);
  return el(
    'dl',
    { id: 'figures' },
    figure('runs', 'Runs', r.runs, String(r.runs)),
    figure('verified-fixed', 'Verified fixed', verified, String(verified)),
    figure(
      'verified-fixed-rate',
      'Verified-fixed rate',
      rate.rate ?? '',
      `${pct(rate.rate)} (${rate.verified}/${rate.checked})`,
    ),
    figure('regressions', 'Regressions', r.regressions, String(r.regressions)),
    figure('reverts', 'Reverts', r.reverts, String(r.reverts)),
    figure('cost', 'Claude Code cost', r.costUsd, usd(r.costUsd)),
    figure(
      'cost-per-verified-fix',
      'Cost per verified fix',
      r.costPerVerifiedFixUsd ?? '',
      usd(r.costPerVerifiedFixUsd),
    ),
    figure('debt-fixes', 'Technical-debt fixes', r.debtFixes.runs, debtFixesText(r.debtFixes)),
  );
}

function timings(r: Report): string {
  const row = (key: string, label: string, t: Timing) =>
    el(
      'tr',
      { 'data-timing': key, 'data-runs': t.runs, 'data-median-ms': t.medianMs, 'data-p90-ms': t.p90Ms },
      el('td', {}, escapeHtml(label)),
      el('td', {}, duration(t.medianMs)),
      el('td', {}, duration(t.p90Ms)),
      el('td', {}, String(t.runs)),
    );
  return el(
    'table',
    { id: 'timings' },
    '<tr><th>From the alert</th><th>Median</th><th>p90</th><th>Runs</th></tr>',
    row('to-suggestion', 'to suggestion', r.timings.toSuggestion),
    row('to-approval', 'to approval', r.timings.toApproval),
    row('to-merge', 'to merge', r.timings.toMerge),
    row('to-verified', 'to verified', r.timings.toVerified),
  );
}

function outcomesChart(r: Report): string {
  const totals = Object.fromEntries(r.outcomes.map((o) => [dataName(o.outcome), o.runs]));
  const chart = stackedBarChart({
    id: 'outcomes-chart',
    title: `Runs started per day, by outcome: ${r.outcomes.map((o) => `${o.outcome} ${o.runs}`).join(', ') || 'none'}`,
    data: { 'data-total': r.runs, ...totals },
    stacks: r.perDay.map((d) => ({
      label: d.day,
      segments: OUTCOMES.map((key) => ({ key, value: d.outcomes[key] ?? 0, color: colorOf(key) })),
    })),
  });
  const legend = el(
    'ul',
    { class: 'legend', id: 'outcomes-legend' },
    ...r.outcomes.map((o) =>
      el(
        'li',
        { 'data-outcome': o.outcome, 'data-runs': o.runs },
        `<svg width="10" height="10"><rect width="10" height="10" fill="${colorOf(o.outcome)}"/></svg> `,
        escapeHtml(`${o.outcome}: ${o.runs}`),
      ),
    ),
  );
  return el('figure', { id: 'outcomes' }, chart, legend);
}

function serviceTable(r: Report): string {
  const head = [
    'Service',
    'Runs',
    'Verified',
    'Regressed',
    'Reverted',
    'Rejected',
    'Open',
    'Cost',
    'Per verified fix',
    'Median to verified',
  ];
  return el(
    'table',
    { id: 'services' },
    el('tr', {}, ...head.map((h) => el('th', {}, escapeHtml(h)))),
    ...r.services.map((s) =>
      el(
        'tr',
        { 'data-service': s.service, 'data-runs': s.runs, 'data-verified': s.verified, 'data-cost': s.costUsd },
        ...serviceCells(s).map((c) => el('td', {}, escapeHtml(c))),
      ),
    ),
  );
}

function impacts(r: Report): string {
  if (!r.impacts.length) return el('p', { id: 'impacts' }, 'No verified run has measured its impact in this period.');
  return el(
    'div',
    { id: 'impacts', class: 'impacts' },
    ...r.impacts.map((i, n) =>
      el(
        'figure',
        { 'data-workflow-id': i.workflowId, 'data-service': i.service },
        impactChart(i.errorRateBefore, i.errorRateAfter, {
          id: `impact-${n}`,
          title: `${i.service} ${i.errorType}: error rate before and after the fix`,
        }),
        el(
          'figcaption',
          {},
          escapeHtml(`${i.service} · ${i.errorType} · `),
          el('a', { href: `report/runs/${encodeURIComponent(i.workflowId)}` }, escapeHtml(i.workflowId)),
        ),
      ),
    ),
  );
}

export function renderReportPage(r: Report, opts: { since: string; service?: string }): string {
  const title = `Fix effectiveness, last ${opts.since}${opts.service ? ` (${opts.service})` : ''}`;
  const costs = r.services.filter((s) => s.costPerVerifiedFixUsd !== undefined);
  const body = [
    el('h1', {}, escapeHtml(title)),
    el('p', {}, escapeHtml(`Runs started from ${r.since} to ${r.now}.`)),
    `<form method="get" action="report">`,
    `<label>Since <input name="since" value="${escapeHtml(opts.since)}" size="6"></label>`,
    `<label>Service <input name="service" value="${escapeHtml(opts.service ?? '')}" size="20"></label>`,
    `<button type="submit">Show</button> <a href="report.json?${escapeHtml(new URLSearchParams({ since: opts.since, ...(opts.service ? { service: opts.service } : {}) }).toString())}">JSON</a></form>`,
    figures(r),
    el('h2', {}, 'Outcomes over time'),
    outcomesChart(r),
    el('h2', {}, 'Time from alert'),
    timings(r),
    el('h2', {}, 'Time to fix (alert to verified)'),
    el(
      'figure',
      { id: 'time-to-fix' },
      barChart({
        id: 'time-to-fix-chart',
        title: 'Alert to verified fix',
        data: { 'data-runs': r.timings.toVerified.runs },
        bars: r.timeToFix.map((b) => ({ label: b.label, value: b.runs, text: String(b.runs) })),
      }),
    ),
    el('h2', {}, 'Cost per verified fix'),
    el(
      'figure',
      { id: 'cost-per-fix', 'data-cost-per-verified-fix': r.costPerVerifiedFixUsd ?? '', 'data-cost': r.costUsd },
      barChart({
        id: 'cost-per-fix-chart',
        title: `Cost per verified fix ${usd(r.costPerVerifiedFixUsd)} overall (${usd(r.costUsd)} in all); by service`,
        bars: costs.map((s) => ({
          label: s.service,
          value: s.costPerVerifiedFixUsd!,
          text: usd(s.costPerVerifiedFixUsd),
        })),
      }),
    ),
    el('h2', {}, 'Regressions and reverts'),
    el(
      'figure',
      { id: 'regressions' },
      barChart({
        id: 'regressions-chart',
        title: 'Verified, regressed and reverted runs',
        data: { 'data-regressions': r.regressions, 'data-reverts': r.reverts },
        bars: [
          {
            label: 'verified',
            value: verifiedRuns(r),
            text: String(verifiedRuns(r)),
            color: colorOf('verified-fixed'),
          },
          { label: 'regressed', value: r.regressions, text: String(r.regressions), color: colorOf('regressed') },
          { label: 'reverted', value: r.reverts, text: String(r.reverts), color: colorOf('reverted') },
        ],
      }),
    ),
    el('h2', {}, 'Per service'),
    serviceTable(r),
    el('h2', {}, 'Rejection reasons'),
    r.rejectionReasons.length
      ? el(
          'ol',
          { id: 'rejection-reasons' },
          ...r.rejectionReasons.map((x) => el('li', { 'data-runs': x.runs }, escapeHtml(`${x.runs} × ${x.reason}`))),
        )
      : el('p', { id: 'rejection-reasons' }, 'No rejections in this period.'),
    el('h2', {}, 'Error rate before and after each verified fix'),
    impacts(r),
  ].join('\n');
  return pageDocument(title, body);
}

/** The admin pages' document: the one stylesheet the CSP allows, no favicon request. */
export function pageDocument(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>${PAGE_STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}
