import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, SLACK_CHANNEL, type E2E } from '../support/e2e';
import { approvedToPullRequest, mergeDeployVerify } from '../support/release';

/**
 * After approval, GitHub and Slack being down for longer than a fixed retry budget (ten attempts)
 * delays the run but does not fail it; the Slack message catches up when Slack is back. The
 * harness retries every second (OUTAGE_RETRY_MAX_INTERVAL=1s); production backs off to 10 minutes
 * for up to OUTAGE_TOLERANCE (24 h).
 */
describe('late stages survive outages', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('GitHub and Slack failing 12 times in a row after approval: the run waits, then verifies the fix', async () => {
    const { workflowId } = await approvedToPullRequest(e, 'evt-outage');
    await e.waitForStage(workflowId, 'awaiting-merge', 60_000);
    e.github.failNext(12, 503);
    e.slack.failNext('chat.update', { status: 500 }, 12);
    e.slack.failNext('chat.postMessage', { status: 500 }, 12);
    const done = await mergeDeployVerify(e, workflowId);
    expect(done.stage).toBe('verified-fixed');
    expect(done.failure).toBeUndefined();
    // Slack is up to date with the end of the run, whatever it missed while down.
    const [message] = e.slack.messages(SLACK_CHANNEL);
    expect(JSON.stringify(message!.blocks)).toContain('Verified fixed');
    expect(e.slack.replies(message!.ts).at(-1)?.text).toMatch(/verified/i);
  }, 240_000);
});
