import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SERVICE, SLACK_CHANNEL, type E2E } from '../support/e2e';
import { FIXED_LINE, BUGGY_LINE, sampleStackTrace } from '../fakes/scripted-fix';
import type { RunStatus } from '../../workflows/bugfix-status';

interface Accepted { deliveryId: string; workflows: { workflowId: string; fingerprint: string; occurrences: number }[] }

describe('first half: Datadog alert to a fix approved in Slack', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('runs alert -> logs -> clone -> Claude fix -> Slack -> approval on the real server', async () => {
    e.datadog.addLog({
      service: SERVICE,
      message: sampleStackTrace,
      tags: ['env:prod', 'version:1.4.2'],
      attributes: { error: { kind: 'TypeError', message: "Cannot read properties of undefined (reading 'address')", stack: sampleStackTrace }, http: { url: 'https://shop.example/checkout?cart=42' }, usr: { id: 'user-1234' }, dd: { trace_id: '7364910284' } },
    });
    const res = await e.sendAlert(alertPayload({ id: 'evt-happy-1' }));
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as Accepted;
    expect(accepted.workflows).toHaveLength(1);
    const { workflowId } = accepted.workflows[0]!;
    expect(workflowId).toBe(`${e.pipeline.config.temporal.workflowIdPrefix}-shop-api-${accepted.workflows[0]!.fingerprint}`);

    const waiting = await e.waitForStage(workflowId, 'awaiting-approval', 90_000);
    expect(waiting.fix?.diff).toContain(`-${BUGGY_LINE}`);
    expect(waiting.fix?.diff).toContain(`+${FIXED_LINE}`);
    expect(waiting.fix?.filesTouched).toEqual(['src/cart.ts']);
    expect(waiting.fix?.turns).toBe(3);
    expect(waiting.samples).toMatchObject({ urls: ['https://shop.example/checkout?cart=42'], userIds: ['user-1234'], traceIds: ['7364910284'] });
    expect(waiting.timeline.map((t) => t.stage)).toEqual(['collecting', 'cloning', 'proposing', 'awaiting-approval']);

    const [message] = e.slack.messages(SLACK_CHANNEL);
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);
    const blocks = JSON.stringify(message!.blocks);
    expect(blocks).toContain('"text":"Approve"');
    expect(blocks).toContain('"text":"Reject"');
    expect(blocks).toContain('user-1234');
    expect(blocks).toContain(e.pipeline.config.temporal.uiUrl);

    expect((await e.click('approve', workflowId)).status).toBe(200);
    const approved = await e.waitForStage(workflowId, 'approved');
    expect(approved.decision).toMatchObject({ approved: true, userId: 'U0APPROVER', userName: 'alice', via: 'slack' });
    const result = (await e.pipeline.client.workflow.getHandle(workflowId).result()) as RunStatus;
    expect(result.stage).toBe('approved');
    await expect.poll(() => JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]?.blocks)).toContain('Approved by');
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);

    const described = await e.pipeline.client.workflow.getHandle(workflowId).describe();
    expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([['BugfixStage', 'approved'], ['BugfixService', SERVICE], ['BugfixFingerprint', accepted.workflows[0]!.fingerprint]]),
    );
  }, 150_000);
});
