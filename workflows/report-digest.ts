/**
 * The weekly digest of the fix-effectiveness report: one activity reads this deployment's runs,
 * computes the report and posts it to Slack. A Temporal Schedule starts it (one run per firing);
 * the run's own id makes a retried post update its message rather than post it twice.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { ReportDigestResult } from '../activities/report';
import { reportActivityStub } from './activity-stubs';

export async function reportDigestWorkflow(input: { sinceMs: number; channel?: string }): Promise<ReportDigestResult> {
  const { workflowId, runId } = workflowInfo();
  return reportActivityStub().postReportDigest({
    sinceMs: input.sinceMs,
    ...(input.channel ? { channel: input.channel } : {}),
    digestId: `${workflowId}/${runId}`,
  });
}
