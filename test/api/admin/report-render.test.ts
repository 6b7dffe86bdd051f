import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderReportPage } from '../../../api/admin/report-page';
import { renderRunImpactPage } from '../../../api/admin/run-impact-page';
import { CONTENT_SECURITY_POLICY, createAdminApp } from '../../../api/admin/create-admin-app';
import { impactChart } from '../../../api/admin/svg-charts';
import { reportDigestBlocks } from '../../../activities/slack/report-digest-blocks';
import { computeReport } from '../../../workflows/domain/report/compute-report';
import type { ReportRow } from '../../../workflows/domain/report/report-row';
import { formatSpan, formatUsd, periodOf } from '../../../workflows/domain/report/report-text';
import { reportText } from '../../../infra/cli/report-text';
import { loadConfig } from '../../../infra/platform/config/load-config';
import { repoRoot } from '../../../infra/platform/config/read-config';

/** Names and reasons as production and people might send them. */
const HOSTILE_SERVICE = '<img src=x onerror=alert(1)>"\'&`@channel';
const HOSTILE_REASON = '</li><script>alert(2)</script> <!channel> <https://evil.test|click>';

function rows(): ReportRow[] {
  const base = { errorType: '<b>TypeError</b>', regressed: false, reverted: false };
  return [
    {
      ...base,
      workflowId: 'bugfix-a',
      firstRunId: 'r1',
      service: HOSTILE_SERVICE,
      stage: 'verified-fixed',
      startedAt: '2026-01-02T10:01:00.000Z',
      alertAt: '2026-01-02T10:00:00.000Z',
      suggestedAt: '2026-01-02T10:05:00.000Z',
      approvedAt: '2026-01-02T10:20:00.000Z',
      mergedAt: '2026-01-02T11:00:00.000Z',
      verifiedAt: '2026-01-02T12:00:00.000Z',
      costUsd: 0.4,
      impact: { errorRateBefore: 12.5, errorRateAfter: 0.25 },
    },
    {
      ...base,
      workflowId: 'bugfix-b',
      firstRunId: 'r2',
      service: 'billing',
      stage: 'rejected',
      startedAt: '2026-01-02T13:01:00.000Z',
      alertAt: '2026-01-02T13:00:00.000Z',
      rejectedAt: '2026-01-02T13:30:00.000Z',
      rejectionReason: HOSTILE_REASON,
      costUsd: 0.2,
    },
  ];
}
const report = computeReport(rows(), { since: '2026-01-01T00:00:00.000Z', now: '2026-01-03T00:00:00.000Z' });

describe('the report page (rendering)', () => {
  const html = renderReportPage(report, { since: '2d', service: '"><script>x</script>' });

  it('escapes every piece of production text, in text and in attributes', () => {
    expect(html).not.toMatch(/<script|<img|<b>|onerror=alert\(1\)>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;`@channel');
    expect(html).toContain('data-service="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;`@channel"');
    expect(html).toContain('&lt;/li&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });

  it('its one stylesheet is the one the CSP allows by hash, and it asks for no favicon', () => {
    const style = /<style>([^]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src 'sha256-${hash}'`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'/);
    expect(html).toContain('<link rel="icon" href="data:,">');
    expect(html).not.toMatch(/<script|\bsrc="http|href="http/);
  });

  it("shows each verified run's error rate before and after, with the figures as text and data", () => {
    expect(html).toContain('data-before="12.5" data-after="0.25"');
    const chart = impactChart(3, 1, { id: 'i', title: 'Error rate' });
    expect(chart).toContain('<title id="i-title">Error rate: before 3, after 1</title>');
    expect(chart).toMatch(/<g class="bar" data-label="before" data-value="3">/);
    expect(chart).toMatch(/<g class="bar" data-label="after" data-value="1">/);
    // Each links to the run's own page (its series), the id escaped.
    expect(html).toContain('<a href="report/runs/bugfix-a">bugfix-a</a>');
  });

  it("a run's page draws its series around the deploy, escaped, with the report's stylesheet", () => {
    const deployedAt = '2026-01-02T11:30:00.000Z';
    const t = Date.parse(deployedAt);
    const page = renderRunImpactPage({
      workflowId: 'bugfix-a',
      service: HOSTILE_SERVICE,
      errorType: '<b>TypeError</b>',
      deployedAt,
      impact: {
        errorRate: { before: 2, after: 0, unit: 'per-minute' },
        series: { errorRate: [-3, -2, -1, 1, 2].map((m): [number, number] => [t + m * 60_000, m < 0 ? 2 : 0]) },
        queries: { errorRate: 'sum:trace.http.request.errors{service:x}.as_count()' },
        from: new Date(t - 3 * 60_000).toISOString(),
        to: new Date(t + 2 * 60_000).toISOString(),
      },
    });
    expect(page).not.toMatch(/<script|<img|<b>/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain(`<style>${/<style>([^]*?)<\/style>/.exec(html)![1]!}</style>`);
    expect(page).toContain(`data-points="5" data-before="2" data-after="0" data-deployed-at="${deployedAt}"`);
    // Five points, left to right; the deploy's mark between the third and the fourth.
    const xs = /<polyline points="([^"]+)"/
      .exec(page)![1]!
      .split(' ')
      .map((p) => Number(p.split(',')[0]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    const mark = Number(/<line x1="([\d.]+)" y1="14"/.exec(page)![1]);
    expect(mark).toBeGreaterThan(xs[2]!);
    expect(mark).toBeLessThan(xs[3]!);
    expect(page).not.toContain('id="latency"');
  });
});

describe('the report digest (Slack) and the CLI text', () => {
  it('escapes names and reasons in mrkdwn, and links the page when its address is known', () => {
    const { text, blocks } = reportDigestBlocks(report, {
      period: '7d',
      reportUrl: 'https://admin.acme.test/report?since=7d',
    });
    const all = JSON.stringify(blocks);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.test|click>');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('<https://admin.acme.test/report?since=7d|Open the report>');
    expect(all).toContain('*Cost:* $0.60 in all, $0.60 per verified fix');
    expect(text).toBe('Bugfix report, last 7d: 2 run(s), 1 verified fixed, $0.60 spent');
    expect(JSON.stringify(reportDigestBlocks(report, { period: '7d' }).blocks)).not.toContain('Open the report');
  });

  it('the CLI text carries the figures, without control characters from production', () => {
    const text = reportText(
      computeReport(
        rows().map((r) => ({ ...r, service: `${r.service}\u001b[2J` })),
        { since: '2026-01-01T00:00:00.000Z', now: '2026-01-03T00:00:00.000Z' },
      ),
      '2d',
    );
    expect(text).not.toContain('\u001b');
    expect(text).toMatch(/Verified-fixed rate:\s+100% \(1 of 1 approved/);
    expect(text).toMatch(/to verified\s+2h00m\s+2h00m\s+1/);
  });

  it('formats periods, spans and amounts', () => {
    expect([periodOf(604_800_000), periodOf(7_200_000), periodOf(90_000), periodOf(1500)]).toEqual([
      '7d',
      '2h',
      '90s',
      '1500ms',
    ]);
    expect([formatSpan(45_000), formatSpan(7_500_000), formatSpan(undefined)]).toEqual(['45s', '2h05m', '-']);
    expect([formatUsd(12.4), formatUsd(0.0084), formatUsd(0), formatUsd(undefined)]).toEqual([
      '$12.40',
      '$0.0084',
      '$0.00',
      '-',
    ]);
  });
});

describe('the admin listener', () => {
  it('answers only with ADMIN_TOKEN when one is set, before reading anything', async () => {
    const shipped = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as unknown;
    const config = loadConfig(shipped, { ADMIN_TOKEN: 'admin-secret-for-tests', ADMIN_PORT: '0' });
    // Any use of the client would throw: the guard must come first.
    const client = new Proxy(
      {},
      {
        get: () => {
          throw new Error('client used');
        },
      },
    ) as Client;
    const server = createAdminApp({ client, config }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report`;
      const none = await fetch(url);
      const wrong = await fetch(url, { headers: { authorization: 'Bearer nope' } });
      expect([none.status, wrong.status]).toEqual([401, 401]);
      const bad = await fetch(`${url}.json?since=forever`, {
        headers: { authorization: 'Bearer admin-secret-for-tests' },
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'invalid_since', field: 'since' } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
