import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SIGNING_SECRET, type E2E } from '../../support/e2e';
import { signedBlockActions } from '../../support/slack-sign';
import { requestText } from '../../fakes/anthropic-fake';

interface Accepted {
  workflows: { workflowId: string }[];
}

/** Each test gets an error of its own, so each has its own run. */
async function runAwaitingApproval(e: E2E, id: string, errorType: string): Promise<string> {
  const res = await e.sendAlert(
    alertPayload({
      id,
      message: `${errorType}: broken in ${id.replace(/\d+/g, '')}\n    at handler (/app/src/${errorType}.ts:3:7)`,
    }),
  );
  expect(res.status).toBe(202);
  const { workflows } = (await res.json()) as Accepted;
  await e.waitForStage(workflows[0]!.workflowId, 'awaiting-approval', 90_000);
  return workflows[0]!.workflowId;
}

describe('POST /slack/interactions', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({ env: { APPROVER_SLACK_USER_IDS: 'U0APPROVER,U0LEAD' } });
  });
  afterAll(() => e?.close());

  it('rejects forged and stale signatures with 401 and leaves the run untouched', async () => {
    const workflowId = await runAwaitingApproval(e, 'evt-sig', 'ForgedError');
    const forged = signedBlockActions('another-apps-secret', { actionId: 'bugfix_approve', value: workflowId });
    const r1 = await fetch(`${e.pipeline.apiUrl}/slack/interactions`, {
      method: 'POST',
      body: forged.body,
      headers: forged.headers,
    });
    expect(r1.status).toBe(401);
    expect(await r1.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    const stale = signedBlockActions(
      SIGNING_SECRET,
      { actionId: 'bugfix_approve', value: workflowId },
      Math.floor(Date.now() / 1000) - 6 * 60,
    );
    const r2 = await fetch(`${e.pipeline.apiUrl}/slack/interactions`, {
      method: 'POST',
      body: stale.body,
      headers: stale.headers,
    });
    expect(r2.status).toBe(401);
    // A signed body that was tampered with after signing.
    const tampered = signedBlockActions(SIGNING_SECRET, { actionId: 'bugfix_reject', value: workflowId });
    const r3 = await fetch(`${e.pipeline.apiUrl}/slack/interactions`, {
      method: 'POST',
      body: tampered.body.replace('bugfix_reject', 'bugfix_approve'),
      headers: tampered.headers,
    });
    expect(r3.status).toBe(401);
    expect((await e.status(workflowId)).stage).toBe('awaiting-approval');
  }, 120_000);

  it('an unauthorised approver gets an ephemeral refusal; a double click decides once', async () => {
    const workflowId = await runAwaitingApproval(e, 'evt-approver', 'ApproverError');
    expect((await e.click('approve', workflowId, { id: 'U0INTRUDER', name: 'mallory' })).status).toBe(200);
    await expect.poll(() => e.slack.responses(`${workflowId}-U0INTRUDER`).length).toBe(1);
    expect(e.slack.responses(`${workflowId}-U0INTRUDER`)[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('only the configured approvers'),
    });
    // The reject dialog goes through the same check: a submission by someone else decides nothing.
    expect(
      (await e.submitRejectReason(workflowId, 'not from an approver', { id: 'U0INTRUDER', name: 'mallory' })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await e.status(workflowId)).decision).toBeUndefined();

    const [a, b] = await Promise.all([
      e.click('approve', workflowId),
      e.click('approve', workflowId, { id: 'U0LEAD', name: 'lead' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const approved = await e.waitFor(workflowId, (st) => st.decision !== undefined);
    const loser = approved.decision!.userId === 'U0APPROVER' ? 'U0LEAD' : 'U0APPROVER';
    await expect.poll(() => e.slack.responses(`${workflowId}-${loser}`).length).toBe(1);
    expect(e.slack.responses(`${workflowId}-${loser}`)[0]!.body.text).toMatch(/Already approved by/);
  }, 120_000);

  it('reject opens a reason modal; the reason is recorded and given to the next attempt at the same error', async () => {
    const workflowId = await runAwaitingApproval(e, 'evt-reject-1', 'RejectedError');
    expect((await e.click('reject', workflowId)).status).toBe(200);
    await expect.poll(() => e.slack.openedViews().length).toBeGreaterThan(0);
    expect(JSON.stringify(e.slack.openedViews().at(-1)!.view)).toContain(workflowId);
    expect(
      (await e.submitRejectReason(workflowId, 'Hides the bug: guests must get a real address prompt')).status,
    ).toBe(200);
    const rejected = await e.waitForStage(workflowId, 'rejected');
    expect(rejected.decision).toMatchObject({
      approved: false,
      reason: 'Hides the bug: guests must get a real address prompt',
      userName: 'alice',
    });
    await e.pipeline.client.workflow.getHandle(workflowId).result();

    const before = e.anthropic.requests.length;
    const again = await runAwaitingApproval(e, 'evt-reject-2', 'RejectedError');
    expect(again).toBe(workflowId);
    const status = await e.status(workflowId);
    expect(status.previousRejections).toEqual(['alice: Hides the bug: guests must get a real address prompt']);
    const prompts = e.anthropic.requests.slice(before).map((r) => requestText(r.body));
    expect(prompts.some((p) => p.includes('guests must get a real address prompt'))).toBe(true);
  }, 180_000);
});
