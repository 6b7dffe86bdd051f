import { expect } from 'vitest';
import type { RunStatus } from '../../workflows/domain/run-status';
import { alertPayload, type E2E } from './e2e';

/** Every stage of a run that goes from the alert to a verified fix. */
export const STAGES_TO_VERIFIED = [
  'collecting',
  'cloning',
  'proposing',
  'awaiting-approval',
  'approved',
  'opening-pr',
  'awaiting-merge',
  'awaiting-deploy',
  'verifying',
  'verified-fixed',
];

/** Sends the sample alert, approves the suggestion in Slack and waits for the fix's pull request. */
export async function approvedToPullRequest(
  e: E2E,
  deliveryId = 'evt-release',
): Promise<{ workflowId: string; prNumber: number }> {
  const res = await e.sendAlert(alertPayload({ id: deliveryId }));
  expect(res.status).toBe(202);
  const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
  const workflowId = workflows[0]!.workflowId;
  await e.waitFor(workflowId, (s) => s.slack !== undefined, 90_000);
  expect((await e.click('approve', workflowId)).status).toBe(200);
  const s = await e.waitFor(workflowId, (st) => st.pullRequest !== undefined, 60_000);
  return { workflowId, prNumber: s.pullRequest!.number };
}

/** Merges the run's pull request and deploys the merge commit to production; returns once the run verifies. */
export async function mergedAndDeployed(env: E2E, workflowId: string): Promise<RunStatus> {
  const s = await env.waitForStage(workflowId, 'awaiting-merge', 60_000);
  await env.github.mergePullRequest(s.pullRequest!.number, { by: 'carol' });
  const merged = await env.waitForStage(workflowId, 'awaiting-deploy');
  env.github.createDeployment({
    sha: merged.pullRequest!.mergeCommitSha!,
    environment: 'production',
    state: 'success',
  });
  return env.waitForStage(workflowId, 'verifying');
}

/** Merges the run's pull request, deploys the merge commit to production and returns the run's result. */
export async function mergeDeployVerify(env: E2E, workflowId: string): Promise<RunStatus> {
  await mergedAndDeployed(env, workflowId);
  return (await env.pipeline.client.workflow.getHandle(workflowId).result()) as RunStatus;
}
