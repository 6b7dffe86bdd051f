import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SERVICE, SLACK_CHANNEL, type E2E } from '../support/e2e';
import { sampleError } from '../fakes/scripted-fix';
import { errorLogEvent } from '../fakes/datadog-shapes';

interface Accepted {
  workflows: { workflowId: string }[];
}
const logWithDetails = (e: E2E) =>
  e.datadog.addLog(
    errorLogEvent({ service: SERVICE, ...sampleError, url: 'https://shop.example/cart', userId: 'u-77' }),
  );

describe('outside systems failing mid-run', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('Datadog 429 is retried after its reset time, then the logs are used', async () => {
    logWithDetails(e);
    e.datadog.failNext(429, { resetSeconds: 1 });
    const res = await e.sendAlert(alertPayload({ id: 'evt-dd-429' }));
    const { workflows } = (await res.json()) as Accepted;
    const s = await e.waitForStage(workflows[0]!.workflowId, 'awaiting-approval', 90_000);
    expect(e.datadog.requests.filter((r) => r.url.includes('/logs/events/search')).map((r) => r.status)).toEqual([
      429, 200,
    ]);
    expect(s.samples.userIds).toEqual(['u-77']);
    expect(s.notes).toEqual([]);
    await e.pipeline.client.workflow.getHandle(workflows[0]!.workflowId).terminate('done');
  }, 120_000);
});

describe('Datadog refusing access', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('403 is not retried; the run goes on with the webhook data and says so in Slack', async () => {
    e.datadog.failNext(403, { count: 5 });
    const res = await e.sendAlert(alertPayload({ id: 'evt-dd-403' }));
    const { workflows } = (await res.json()) as Accepted;
    const s = await e.waitFor(workflows[0]!.workflowId, (st) => st.slack !== undefined, 90_000);
    expect(e.datadog.requests.filter((r) => r.url.includes('/logs/events/search'))).toHaveLength(1);
    expect(s.notes[0]).toMatch(/Datadog logs unavailable.*webhook's data alone/);
    expect(s.fix?.diff).toBeTruthy();
    expect(JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]!.blocks)).toContain('Datadog logs unavailable');
  }, 120_000);
});

describe('Slack failing mid-run', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('a 429 and a 500 whose post went through still leave exactly one message', async () => {
    e.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    e.slack.failNext('chat.postMessage', { status: 500, applied: true });
    const res = await e.sendAlert(alertPayload({ id: 'evt-slack-flaky' }));
    const { workflows } = (await res.json()) as Accepted;
    const workflowId = workflows[0]!.workflowId;
    const s = await e.waitFor(workflowId, (st) => st.slack !== undefined, 90_000);
    expect(s.stage).toBe('awaiting-approval');
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);
    // The 429 never reached the handler; the 500 did post, so the next attempt found it and updated it.
    expect(e.slack.callCount('chat.postMessage')).toBe(1);
    expect(e.slack.callCount('chat.update')).toBeGreaterThanOrEqual(1);
    await e.click('approve', workflowId);
    await e.waitForStage(workflowId, 'awaiting-merge');
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);
    expect(JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]!.blocks)).toContain('Approved by');
  }, 120_000);
});
