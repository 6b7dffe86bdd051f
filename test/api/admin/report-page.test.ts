import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser } from 'puppeteer-core';
import { alertPayload, closeTerminatingRuns, SERVICE, startE2E, type E2E } from '../../support/e2e';
import { mergeDeployVerify } from '../../support/release';
import { errorLogEvent } from '../../fakes/datadog-shapes';
import { sampleError } from '../../fakes/scripted-fix';
import { cliEnv, eventually, runCli } from '../../infra/cli/run-cli';
import { ensureChromium } from '../../../infra/browser/ensure-chromium';
import { loadReportRows } from '../../../activities/temporal/load-report-rows';
import { computeReport, type Report } from '../../../workflows/domain/report/compute-report';
import type { RunStatus } from '../../../workflows/domain/run-status';
import type { ReportDigestResult } from '../../../activities/report';
import { createSlackClient } from '../../../activities/slack/client';
import { postReportDigest } from '../../../activities/slack/post-report-digest';
import { formatUsd } from '../../../workflows/domain/report/report-text';

/**
 * The fix-effectiveness report from real runs: two runs go through the real pipeline on the real
 * Temporal dev server (one verified after merge and deploy, one rejected with a reason), then the
 * loader and the computation, the CLI, the admin page in headless Chromium and the Slack digest
 * must all show what those runs recorded, computed here from their own results.
 */
const OTHER_SERVICE = 'billing-api';
const REASON = 'Hides the bug: the date should be validated where it is parsed.';
let e: E2E;
let chromium: string;
let verified: RunStatus;
let rejected: RunStatus;
const startedAt = Date.now();

async function alert(id: string, o: { service?: string; kind?: string; message?: string } = {}): Promise<string> {
  if (o.kind)
    e.datadog.addLog(
      errorLogEvent({
        service: o.service ?? SERVICE,
        kind: o.kind,
        message: o.message!,
        stack: `${o.kind}: ${o.message}\n    at parseDue (/app/src/users.ts:7:11)\n    at Server.<anonymous> (/app/src/server.ts:12:18)`,
        timestamp: Date.now() - 30_000,
      }),
    );
  const res = await e.sendAlert(
    alertPayload({
      id,
      ...(o.service ? { service: o.service } : {}),
      ...(o.kind ? { message: `${o.kind}: ${o.message}` } : {}),
    }),
  );
  expect(res.status).toBe(202);
  return ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
}

// Debian's chromium, installed with apt-get the first time (a download of its own).
beforeAll(async () => {
  chromium = await ensureChromium();
}, 600_000);
beforeAll(async () => {
  e = await startE2E({ env: { ADMIN_PUBLIC_URL: 'https://admin.acme.test/bugfix' } });
  // The hour before: the error six times (the Metrics API's error rate counts them), latency 300 ms.
  for (let i = 1; i <= 6; i++)
    e.datadog.addLog(errorLogEvent({ service: SERVICE, ...sampleError, timestamp: Date.now() - i * 8 * 60_000 }));
  e.datadog.setLatency(SERVICE, () => 300);
  // Both fixes are proposed on the unfixed repository, then one is rejected and the other shipped.
  const [a, b] = await Promise.all([
    alert('evt-report-verified'),
    alert('evt-report-rejected', { service: OTHER_SERVICE, kind: 'RangeError', message: 'Invalid time value' }),
  ]);
  await Promise.all([a, b].map((id) => e.waitForStage(id, 'awaiting-approval', 90_000)));
  expect((await e.submitRejectReason(b, REASON)).status).toBe(200);
  expect((await e.click('approve', a)).status).toBe(200);
  await e.waitFor(a, (s) => s.pullRequest !== undefined, 60_000);
  verified = await mergeDeployVerify(e, a);
  rejected = (await e.pipeline.client.workflow.getHandle(b).result()) as RunStatus;
}, 300_000);
afterAll(async () => {
  await closeTerminatingRuns(e);
});

const at = (s: RunStatus, stage: string) => s.timeline.find((t) => t.stage === stage)!.at;
const fromAlert = (s: RunStatus, iso: string) => Date.parse(iso) - Date.parse(s.firstSeen);
const two = (x: number, y: number) => ({ runs: 2, medianMs: Math.min(x, y), p90Ms: Math.max(x, y) });
const one = (x: number) => ({ runs: 1, medianMs: x, p90Ms: x });
const usd = (v: number) => Math.round(v * 1e6) / 1e6;
/** The figures that do not depend on the period's bounds. */
const figures = (r: Report) => ({ ...r, since: undefined, now: undefined, perDay: undefined });

/** What the two runs' own results say the report must show. */
function expectedFigures() {
  const cost = usd(verified.fix!.costUsd + rejected.fix!.costUsd);
  return {
    runs: 2,
    outcomes: [
      { outcome: 'verified-fixed', runs: 1 },
      { outcome: 'rejected', runs: 1 },
    ],
    timings: {
      toSuggestion: two(
        fromAlert(verified, at(verified, 'awaiting-approval')),
        fromAlert(rejected, at(rejected, 'awaiting-approval')),
      ),
      toApproval: one(fromAlert(verified, verified.decision!.at)),
      toMerge: one(fromAlert(verified, verified.pullRequest!.mergedAt!)),
      toVerified: one(fromAlert(verified, at(verified, 'verified-fixed'))),
    },
    approved: 1,
    verifiedFixedRate: { verified: 1, checked: 1, rate: 1 },
    regressions: 0,
    reverts: 0,
    costUsd: cost,
    costPerVerifiedFixUsd: cost,
    rejectionReasons: [{ reason: REASON, runs: 1 }],
    impacts: impactsOf(verified),
  };
}

/** The verified run's before/after figures, when the pipeline measured them (FixImpact: errorRate, latency). */
function impactsOf(s: RunStatus) {
  type Figures = { before: number; after: number };
  const impact = (s as { impact?: { errorRate: Figures; latency?: Figures } }).impact;
  if (!impact) return [];
  return [
    {
      workflowId: s.workflowId,
      service: s.identity.service,
      errorType: s.identity.errorType,
      verifiedAt: at(s, 'verified-fixed'),
      errorRateBefore: impact.errorRate.before,
      errorRateAfter: impact.errorRate.after,
      ...(impact.latency ? { latencyBefore: impact.latency.before, latencyAfter: impact.latency.after } : {}),
    },
  ];
}

describe('the fix-effectiveness report from real runs', () => {
  it('the runs ended as driven, and each memo carries its compact report row', async () => {
    expect([verified.stage, rejected.stage]).toEqual(['verified-fixed', 'rejected']);
    expect(rejected.decision).toMatchObject({ approved: false, reason: REASON });
    for (const s of [verified, rejected]) {
      const { memo } = await e.pipeline.client.workflow.getHandle(s.workflowId).describe();
      const row = (memo as { report: { stage: string; workflowId: string } }).report;
      expect(row).toMatchObject({ workflowId: s.workflowId, stage: s.stage });
      expect(JSON.stringify(row).length).toBeLessThan(2048);
    }
  });

  it('loadReportRows + computeReport give what the runs recorded', async () => {
    const since = new Date(startedAt - 300_000);
    const report = await eventually(async () => {
      const rows = await loadReportRows(e.pipeline.client, { prefix: e.pipeline.env.WORKFLOW_ID_PREFIX!, since });
      const r = computeReport(rows, { since: since.toISOString(), now: new Date().toISOString() });
      expect(r.outcomes).toEqual(expectedFigures().outcomes);
      return r;
    });
    expect(report).toMatchObject(expectedFigures());
    expect(report.services).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: SERVICE, runs: 1, verified: 1, costUsd: usd(verified.fix!.costUsd) }),
        expect.objectContaining({ service: OTHER_SERVICE, runs: 1, rejected: 1, costUsd: usd(rejected.fix!.costUsd) }),
      ]),
    );
    expect(report.perDay.reduce((n, d) => n + d.runs, 0)).toBe(2);
    // The run verified seconds after its alert: the histogram's first bucket.
    expect(fromAlert(verified, at(verified, 'verified-fixed'))).toBeLessThan(600_000);
    expect(report.timeToFix.filter((b) => b.runs > 0)).toEqual([{ label: '< 10m', runs: 1 }]);
  });

  it('`bugfix report --json` prints the same report; the text shows its figures', async () => {
    const since = new Date(startedAt - 300_000);
    const rows = await loadReportRows(e.pipeline.client, { prefix: e.pipeline.env.WORKFLOW_ID_PREFIX!, since });
    const mine = computeReport(rows, { since: since.toISOString(), now: new Date().toISOString() });
    const json = await runCli(['report', '--since', '1h', '--json'], cliEnv(e));
    expect(json.code).toBe(0);
    const printed = json.json<Report>();
    expect(figures(printed)).toEqual(figures(mine));
    expect(printed).toMatchObject(expectedFigures());

    const text = await runCli(['report', '--since', '1h'], cliEnv(e));
    expect(text.stdout).toContain('Fix effectiveness, last 1h');
    expect(text.stdout).toMatch(/Outcomes:\s+verified-fixed 1 · rejected 1/);
    expect(text.stdout).toMatch(/Verified-fixed rate:\s+100% \(1 of 1 approved/);
    expect(text.stdout).toContain(REASON);

    const one = await runCli(['report', '--since', '1h', '--service', OTHER_SERVICE, '--json'], cliEnv(e));
    expect(one.json<Report>()).toMatchObject({ runs: 1, outcomes: [{ outcome: 'rejected', runs: 1 }] });
  }, 120_000);

  it("the admin page renders in headless Chromium with the runs' figures, and loads nothing from outside", async () => {
    const page = `${e.pipeline.adminUrl}/report?since=1h`;
    const head = await fetch(page);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect((await fetch(`${e.pipeline.adminUrl}/report.json?since=soon`)).status).toBe(400);

    let browser: Browser | undefined;
    try {
      // headless: true is Chrome's new headless mode (--headless=new); root needs --no-sandbox.
      browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] });
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      tab.on('pageerror', (err) => problems.push(`page error: ${String(err)}`));
      tab.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
      tab.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
      const requested: string[] = [];
      tab.on('request', (r) => requested.push(r.url()));
      const res = await tab.goto(page, { waitUntil: 'networkidle0' });
      expect(res?.status()).toBe(200);
      expect(problems).toEqual([]);
      expect(requested.filter((u) => !u.startsWith(e.pipeline.adminUrl) && !u.startsWith('data:'))).toEqual([]);

      const data = (selector: string) =>
        tab.$$eval(selector, (els) =>
          els.map((el) => ({ ...(el as unknown as { dataset: Record<string, string> }).dataset })),
        );
      const cost = expectedFigures().costPerVerifiedFixUsd;
      expect(await data('#outcomes-legend li')).toEqual([
        { outcome: 'verified-fixed', runs: '1' },
        { outcome: 'rejected', runs: '1' },
      ]);
      expect(await data('#outcomes-chart')).toEqual([
        expect.objectContaining({ total: '2', verifiedFixed: '1', rejected: '1' }),
      ]);
      expect(await tab.$eval('#outcomes-chart > title', (t) => t.textContent)).toBe(
        'Runs started per day, by outcome: verified-fixed 1, rejected 1',
      );
      const segments = await data('#outcomes-chart rect[data-outcome]');
      expect(segments.reduce((n, s) => n + Number(s.runs), 0)).toBe(2);
      expect(await data('#figures [data-figure]')).toEqual(
        expect.arrayContaining([
          { figure: 'runs', value: '2' },
          { figure: 'verified-fixed', value: '1' },
          { figure: 'verified-fixed-rate', value: '1' },
          { figure: 'regressions', value: '0' },
          { figure: 'reverts', value: '0' },
          { figure: 'cost-per-verified-fix', value: String(cost) },
        ]),
      );
      expect(await data('#cost-per-fix')).toEqual([{ costPerVerifiedFix: String(cost), cost: String(cost) }]);
      expect(await tab.$eval('#cost-per-fix-chart > title', (t) => t.textContent)).toContain(
        `Cost per verified fix ${formatUsd(cost)} overall`,
      );
      expect(await data('#regressions-chart')).toEqual([expect.objectContaining({ regressions: '0', reverts: '0' })]);
      expect(await data('#time-to-fix-chart')).toEqual([expect.objectContaining({ runs: '1' })]);
      expect(await data('#services tr[data-service]')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ service: SERVICE, runs: '1', verified: '1' }),
          expect.objectContaining({ service: OTHER_SERVICE, runs: '1', verified: '0' }),
        ]),
      );
      expect(await tab.$eval('#rejection-reasons', (l) => l.textContent)).toContain(`1 × ${REASON}`);
      // Each verified run's error rate before and after its fix, when measured.
      expect(await data('#impacts figure svg')).toEqual(
        impactsOf(verified).map((i) => ({ before: String(i.errorRateBefore), after: String(i.errorRateAfter) })),
      );
      // The charts are drawn, not just present.
      const box = await (await tab.$('#outcomes-chart'))!.boundingBox();
      expect(box!.width).toBeGreaterThan(100);

      // The run's own page, one click away: its error rate over time around the deploy, from its series.
      const impact = verified.impact!;
      expect(impact.series.errorRate.length).toBeGreaterThan(1);
      const [opened] = await Promise.all([
        tab.waitForNavigation({ waitUntil: 'networkidle0' }),
        tab.click(`#impacts figure[data-workflow-id="${verified.workflowId}"] figcaption a`),
      ]);
      expect(opened?.status()).toBe(200);
      expect(tab.url()).toBe(`${e.pipeline.adminUrl}/report/runs/${verified.workflowId}`);
      expect(problems).toEqual([]);
      expect(await data('#error-rate-chart')).toEqual([
        {
          points: String(impact.series.errorRate.length),
          before: String(impact.errorRate.before),
          after: String(impact.errorRate.after),
          deployedAt: new Date(verified.deployment!.at).toISOString(),
        },
      ]);
      expect(await data('#latency-chart')).toEqual([
        expect.objectContaining({ before: String(impact.latency!.before), after: String(impact.latency!.after) }),
      ]);
      const drawn = await tab.$$eval('#error-rate-chart polyline', (l) => l.map((p) => p.getAttribute('points')));
      expect(drawn.map((p) => p!.split(' ').length)).toEqual([impact.series.errorRate.length]);
      expect(await tab.$eval('#queries', (q) => q.textContent)).toContain(impact.queries.errorRate);
      // A run without figures, and a run that is not this deployment's, are named as such.
      const rejectedPage = await fetch(`${e.pipeline.adminUrl}/report/runs/${rejected.workflowId}`);
      expect(rejectedPage.status).toBe(404);
      expect(await rejectedPage.json()).toMatchObject({ error: { code: 'no_impact' } });
      expect((await fetch(`${e.pipeline.adminUrl}/report/runs/someone-elses-run`)).status).toBe(404);
    } finally {
      await browser?.close();
    }
  }, 120_000);

  it('the weekly digest posts the report to Slack with a link to the admin page', async () => {
    const { taskQueue, workflowIdPrefix } = e.pipeline.config.temporal;
    const result: ReportDigestResult = await e.pipeline.client.workflow.execute('reportDigestWorkflow', {
      taskQueue,
      workflowId: `${workflowIdPrefix}-report-digest-test`,
      args: [{ sinceMs: 3_600_000 }],
    });
    const expected = expectedFigures();
    expect(result).toMatchObject({ runs: 2, verified: 1, costUsd: expected.costUsd });
    const message = e.slack.messages().find((m) => m.ts === result.ts)!;
    expect(message.metadata).toMatchObject({ event_type: 'bugfix_report_digest' });
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('Bugfix report: the last 1h');
    expect(blocks).toContain('*Runs:* 2  ·  *Verified fixed:* 1  ·  *Verified-fixed rate:* 100% (1 of 1 checked)');
    expect(blocks).toContain(`${formatUsd(expected.costUsd)} per verified fix`);
    expect(blocks).toContain('<https://admin.acme.test/bugfix/report?since=1h|Open the report>');
    expect(blocks).toContain(`1 × ${REASON}`);

    // A retried post (the first answer lost) updates the same message rather than posting a second.
    const slack = createSlackClient(e.pipeline.config.slack);
    const digestId = `${workflowIdPrefix}-report-digest-test/retry`;
    const first = await postReportDigest(slack, { channel: result.channel, digestId, text: 'one', blocks: [] });
    const again = await postReportDigest(slack, { channel: result.channel, digestId, text: 'two', blocks: [] });
    expect(again.ts).toBe(first.ts);
    expect(e.slack.messages().filter((m) => m.metadata?.event_payload.digest_id === digestId)).toEqual([
      expect.objectContaining({ ts: first.ts, text: 'two', edits: 1 }),
    ]);
  }, 60_000);
});
