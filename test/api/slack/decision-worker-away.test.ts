import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, type E2E } from '../../support/e2e';
import { DECISION_DEADLINE_MS } from '../../../api/slack/deliver-decision';
import { DECISION_DRAIN_MS } from '../../../api/slack/decision-deliveries';

/** A pipeline whose run asks for approval in Slack. */
async function awaitingApproval(eventId: string): Promise<{ e: E2E; id: string }> {
  const e = await startE2E();
  const res = await e.sendAlert(alertPayload({ id: eventId }));
  const id = ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
  await e.waitFor(id, (s) => s.stage === 'awaiting-approval' && s.slack !== undefined, 90_000);
  return { e, id };
}

/**
 * An approver clicks while the worker is away (restarting, or just stopped): Temporal still lists it
 * as polling, so the decision is sent. Not taken within the deadline, the clicker hears it is not
 * confirmed, and the decision must still reach the run once a worker is back, not be dropped.
 */
describe('a Slack decision while the worker is away', () => {
  let e: E2E;
  let id: string;
  beforeAll(async () => {
    ({ e, id } = await awaitingApproval('evt-worker-away'));
  }, 120_000);
  afterAll(() => e?.close());

  it('is said to be unconfirmed, then taken when the worker is back, and the clicker is told', async () => {
    await e.pipeline.stopWorker();
    const replies = () => e.slack.responses(`${id}-U0APPROVER`);
    expect((await e.click('approve', id)).status).toBe(200);
    await expect.poll(() => replies().length, { timeout: DECISION_DEADLINE_MS + 15_000, interval: 500 }).toBe(1);
    expect(replies()[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Your decision was not confirmed within 30 s: .* clicking again is safe/),
    });
    expect((await e.status(id).catch(() => undefined))?.stage).not.toBe('approved');

    await e.pipeline.startWorker();
    const s = await e.waitFor(id, (st) => st.decision !== undefined, 60_000);
    expect(s.decision).toMatchObject({ approved: true, userId: 'U0APPROVER', via: 'slack' });
    await expect.poll(() => replies().length, { timeout: 15_000 }).toBe(2);
    expect(replies()[1]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Your approval was recorded/),
    });

    // A click made again by the same approver is told the approval stands, not that it was refused.
    expect((await e.click('approve', id)).status).toBe(200);
    await expect.poll(() => replies().length, { timeout: 15_000 }).toBe(3);
    expect(replies()[2]!.body).toMatchObject({
      text: `Your approval is recorded (at ${s.decision!.at}); nothing more to do.`,
    });
  }, 150_000);
});

/**
 * The ingress is redeployed while a decision is still waiting for a worker: the decision lives only in
 * the ingress until a worker takes it, so the clicker must hear it was not recorded, and the click
 * made again on the new ingress is what the run records.
 */
describe('a Slack decision when the ingress shuts down before a worker took it', () => {
  let e: E2E;
  let id: string;
  beforeAll(async () => {
    ({ e, id } = await awaitingApproval('evt-ingress-restart'));
  }, 120_000);
  afterAll(() => e?.close());

  it('tells the clicker to click again, and the second click is recorded', async () => {
    await e.pipeline.stopWorker();
    const replies = () => e.slack.responses(`${id}-U0APPROVER`);
    expect((await e.click('approve', id)).status).toBe(200);
    const restarting = Date.now();
    await e.pipeline.restartApi();
    // The shutdown waited out its grace for the decision, then stopped it and said so.
    expect(Date.now() - restarting).toBeGreaterThanOrEqual(DECISION_DRAIN_MS - 1_000);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^The ingress was shut down .* so it may not be recorded\. Click again/),
    });

    // Temporal may still hand the admitted first update to the worker when it returns (it did here), so
    // the reply says "may not be recorded"; the second click it asks for is safe either way.
    await e.pipeline.startWorker();
    expect((await e.click('approve', id)).status).toBe(200);
    const s = await e.waitFor(id, (st) => st.decision !== undefined, 60_000);
    expect(s.decision).toMatchObject({ approved: true, userId: 'U0APPROVER', via: 'slack' });
    // Whichever click the run took, the other one is not reported to the clicker as a refusal.
    await new Promise((r) => setTimeout(r, 2_000));
    for (const reply of replies().slice(1))
      expect(reply.body.text).toBe(`Your approval is recorded (at ${s.decision!.at}); nothing more to do.`);
  }, 150_000);
});
