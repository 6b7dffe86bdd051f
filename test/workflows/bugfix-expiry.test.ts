import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SLACK_CHANNEL, type E2E } from '../support/e2e';

describe('approval timeout', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({ env: { APPROVAL_TIMEOUT: '5s', APPROVAL_REMINDER_INTERVAL: '1500ms' } });
  });
  afterAll(() => e?.close());

  it('reminds in the thread while waiting, then expires and says so', async () => {
    const res = await e.sendAlert(alertPayload({ id: 'evt-expiry' }));
    const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
    const workflowId = workflows[0]!.workflowId;
    const expired = await e.waitForStage(workflowId, 'expired', 90_000);
    expect(expired.decision).toBeUndefined();
    expect(await e.pipeline.client.workflow.getHandle(workflowId).result()).toMatchObject({ stage: 'expired' });

    const [message] = e.slack.messages(SLACK_CHANNEL);
    const replies = e.slack.replies(message!.ts).map((r) => r.text ?? '');
    const reminders = replies.filter((t) => t.startsWith('Reminder:'));
    expect(reminders.length).toBeGreaterThanOrEqual(2);
    expect(reminders.length).toBeLessThanOrEqual(3);
    expect(replies.at(-1)).toMatch(/expired/);
    expect(JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]!.blocks)).toMatch(/Expired/i);
    // A click after expiry changes nothing.
    await e.click('approve', workflowId);
    await expect.poll(() => e.slack.responses().length).toBe(1);
    expect(String(e.slack.responses()[0]!.body.text)).toMatch(/not applied/);
  }, 120_000);
});
