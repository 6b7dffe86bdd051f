/**
 * GET /report/runs/:workflowId: one verified run's error rate (and latency) over time around its
 * deploy, from the series the run recorded. The report's rows keep only the before/after figures.
 */
import type { FixImpact } from '../../workflows/domain/impact';
import { el, escapeHtml } from './html';
import { pageDocument } from './report-page';
import { seriesChart } from './svg-charts';

export interface RunImpactView {
  workflowId: string;
  service: string;
  errorType: string;
  deployedAt: string;
  impact: FixImpact;
}

export function renderRunImpactPage(v: RunImpactView): string {
  const { impact } = v;
  const deployedAt = Date.parse(v.deployedAt);
  const title = `${v.service} · ${v.errorType}: before and after the fix`;
  const chart = (
    id: string,
    name: string,
    series: [number, number][],
    figures: { before: number; after: number },
    unit: string,
  ) =>
    el(
      'figure',
      { id },
      seriesChart({
        id: `${id}-chart`,
        title: name,
        points: series,
        markAt: deployedAt,
        before: figures.before,
        after: figures.after,
        unit,
      }),
    );
  const body = [
    el('p', {}, el('a', { href: '../../report' }, 'The report')),
    el('h1', {}, escapeHtml(title)),
    el(
      'p',
      {},
      escapeHtml(`Run ${v.workflowId}, deployed at ${v.deployedAt}; measured from ${impact.from} to ${impact.to}.`),
    ),
    el('h2', {}, 'Error rate (errors per minute)'),
    chart('error-rate', 'Error rate', impact.series.errorRate, impact.errorRate, '/min'),
    ...(impact.latency
      ? [el('h2', {}, 'Latency'), chart('latency', 'Latency', impact.series.latency ?? [], impact.latency, ' ms')]
      : []),
    el('h2', {}, 'Datadog queries'),
    el(
      'ul',
      { id: 'queries' },
      ...Object.entries(impact.queries).map(([name, q]) =>
        el('li', {}, escapeHtml(name), ': ', el('code', {}, escapeHtml(q))),
      ),
    ),
  ].join('\n');
  return pageDocument(title, body);
}
