import { expect } from 'vitest';
import { alertPayload, type E2E } from './e2e';

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
