import type { Client } from '@temporalio/client';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../../infra/platform/config/load-config';
import { computeReport } from '../../workflows/domain/report/compute-report';
import { periodOf } from '../../workflows/domain/report/report-text';
import { configFailure, createSlackClient } from '../slack/client';
import { resolveChannelId } from '../slack/resolve-channel';
import { postReportDigest } from '../slack/post-report-digest';
import { reportDigestBlocks } from '../slack/report-digest-blocks';
import { loadReportRows } from '../temporal/load-report-rows';

export interface ReportDigestInput {
  /** The period the digest covers, back from now. */
  sinceMs: number;
  /** Where to post it (ID or #name); SLACK_CHANNEL by default. */
  channel?: string;
  /** The digest run: a retried post updates its own message instead of posting twice. */
  digestId: string;
}

export interface ReportDigestResult {
  channel: string;
  ts: string;
  runs: number;
  verified: number;
  costUsd: number;
}

/**
 * The report activities: the weekly digest reads this deployment's runs from visibility, computes
 * the report and posts it to Slack, with a link to the admin report page when its address is known
 * (ADMIN_PUBLIC_URL, else the admin listener's own address).
 */
export function createReportActivities(config: Config, client: Client) {
  let slack: WebClient | undefined;
  return {
    async postReportDigest(input: ReportDigestInput): Promise<ReportDigestResult> {
      const target = input.channel ?? config.slack.channel;
      if (!target) throw configFailure('No channel for the report digest: set SLACK_CHANNEL or pass one');
      slack ??= createSlackClient(config.slack);
      const now = new Date();
      const since = new Date(now.getTime() - input.sinceMs);
      const rows = await loadReportRows(client, { prefix: config.temporal.workflowIdPrefix, since });
      const report = computeReport(rows, { since: since.toISOString(), now: now.toISOString() });
      const period = periodOf(input.sinceMs);
      const admin = config.api.admin.publicUrl;
      const { text, blocks } = reportDigestBlocks(report, {
        period,
        ...(admin ? { reportUrl: `${admin}/report?since=${encodeURIComponent(period)}` } : {}),
      });
      const channel = await resolveChannelId(slack, target);
      const ref = await postReportDigest(slack, { channel, digestId: input.digestId, text, blocks });
      return {
        channel: ref.channel,
        ts: ref.ts,
        runs: report.runs,
        verified: report.outcomes.find((o) => o.outcome === 'verified-fixed')?.runs ?? 0,
        costUsd: report.costUsd,
      };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
