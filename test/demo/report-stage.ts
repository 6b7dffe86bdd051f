/**
 * The weekly report: its schedule triggered, the digest of the runs this demo made (the verified fix, the
 * escalation, the proofs and the Jira run stopped at their suggestions, the debt item's pull request) posted
 * to Slack with a link to the admin report page, which the demo's API serves for as long as the demo runs.
 * A worker of its own, configured with that page's address (the demo's admin listener has a port of its own).
 */
import type { ReportDigestResult } from '../../activities/report';
import { ensureSchedules } from '../../infra/temporal/schedules';
import { reportDigestScheduleId } from '../../workflows/domain/debt';
import { withServices } from './own-services';
import { SLACK_CHANNEL } from './fakes';
import { waitUntil, type DemoStage, type PipelineContext } from './context';
import { renderBlocks } from './render-slack';
import { triggerSchedule } from './trigger-schedule';

/** The report page of the period the digest covers (the schedule's one week). */
export const reportPageUrl = (adminUrl: string) => `${adminUrl}/report?since=7d`;

export const reportStage: DemoStage<PipelineContext> = {
  name: 'Weekly report',
  run: (ctx) =>
    withServices(
      ctx,
      'report',
      (c) => ({ ...c, api: { ...c.api, admin: { ...c.api.admin, publicUrl: ctx.adminUrl } } }),
      async (config) => {
        await ensureSchedules(ctx.client, config);
        const scheduleId = reportDigestScheduleId(config.temporal.workflowIdPrefix);
        const triggered = await triggerSchedule(ctx, scheduleId);
        const result = (await ctx.client.workflow.getHandle(triggered.workflowId).result()) as ReportDigestResult;
        const digest = await waitUntil(
          'the report digest in the Slack fake',
          () => ctx.fakes.slack.messages(SLACK_CHANNEL).find((m) => m.ts === result.ts),
          10_000,
        );
        const page = reportPageUrl(ctx.adminUrl);
        const res = await fetch(page);
        const html = await res.text();
        if (res.status !== 200) throw new Error(`GET ${page} answered HTTP ${res.status}`);
        const charts = (html.match(/<svg\b/g) ?? []).length;
        return {
          summary: `${result.runs} runs in the last 7 days, ${result.verified} verified fixed, $${result.costUsd.toFixed(2)} spent: digest posted to #bugs`,
          details: [
            `schedule ${scheduleId} (${config.schedules.reportDigest.cron}${triggered.next ? `, next ${triggered.next.toISOString()}` : ''}) triggered: run ${triggered.workflowId}`,
            ...renderBlocks(digest.blocks, digest.text).map((l) => `│ ${l}`),
            `report page ${page}: HTTP ${res.status}, ${charts} charts (server-rendered SVG), ${Math.round(html.length / 1024)} KB`,
          ],
        };
      },
    ),
};
