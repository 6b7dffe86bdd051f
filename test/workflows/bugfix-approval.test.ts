import { STAGES_TO_VERIFIED } from '../support/release';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SERVICE, SLACK_CHANNEL, type E2E } from '../support/e2e';
import { FIXED_LINE, BUGGY_LINE, sampleError, sampleErrorMessage, unrelatedError } from '../fakes/scripted-fix';
import { errorLogEvent } from '../fakes/datadog-shapes';
import type { RunStatus } from '../../workflows/domain/run-status';
import { TOP_FRAME } from '../../workflows/domain/search-attributes';

interface Accepted {
  deliveryId: string;
  workflows: { workflowId: string; fingerprint: string; occurrences: number }[];
}

describe('the whole pipeline, direct mode: Datadog alert to a fix verified in production', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('alert -> logs -> clone -> Claude fix -> Slack approval -> PR -> merge -> deploy -> verified', async () => {
    // Datadog's real shapes: the monitor's row is the log's one-line message; the stack, URL, user
    // and trace live only in the Logs API events. An unrelated error and the same message thrown
    // from another service are in the same search and must be left out.
    e.datadog.addLog(
      errorLogEvent({
        service: SERVICE,
        ...sampleError,
        timestamp: Date.now() - 60_000,
        tags: ['env:prod', 'version:1.4.2'],
        url: 'https://shop.example/checkout?cart=42',
        userId: 'user-1234',
        traceId: '7364910284',
      }),
    );
    e.datadog.addLog(
      errorLogEvent({
        service: SERVICE,
        ...sampleError,
        timestamp: Date.now() - 30_000,
        logMessage: sampleErrorMessage,
        url: 'https://shop.example/checkout?cart=77',
        userId: 'user-5678',
        traceId: '9912003341',
      }),
    );
    e.datadog.addLog(errorLogEvent({ service: SERVICE, ...unrelatedError }));
    const res = await e.sendAlert(alertPayload({ id: 'evt-happy-1' }));
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as Accepted;
    expect(accepted.workflows).toHaveLength(1);
    const { workflowId } = accepted.workflows[0]!;
    expect(workflowId).toBe(
      `${e.pipeline.config.temporal.workflowIdPrefix}-shop-api-${accepted.workflows[0]!.fingerprint}`,
    );

    const waiting = await e.waitFor(workflowId, (s) => s.slack !== undefined, 90_000);
    expect(waiting.stage).toBe('awaiting-approval');
    expect(waiting.fix?.diff).toContain(`-${BUGGY_LINE}`);
    expect(waiting.fix?.diff).toContain(`+${FIXED_LINE}`);
    expect(waiting.fix?.filesTouched).toEqual(['src/cart.ts']);
    expect(waiting.fix?.turns).toBe(3);
    expect(waiting.samples).toMatchObject({
      urls: ['https://shop.example/checkout?cart=42', 'https://shop.example/checkout?cart=77'],
      userIds: ['user-1234', 'user-5678'],
      traceIds: ['7364910284', '9912003341'],
    });
    expect(waiting.logs).toMatchObject({
      scanned: 3,
      matched: 2,
      discarded: { 'other-message': 1 },
      topFrames: ['src/cart.ts:shippingLabel'],
    });
    // The webhook's row had no stack: the one Claude was given came from the logs.
    const prompt = JSON.stringify(e.anthropic.turnRequests()[0]!.body);
    expect(prompt).toContain('at shippingLabel (/app/src/cart.ts:14:29)');
    // Its top frame, from the logs, is the run's search attribute even without triage (the debt scans read it).
    const waitingRun = await e.pipeline.client.workflow.getHandle(workflowId).describe();
    expect(waitingRun.typedSearchAttributes.get(TOP_FRAME)).toBe('src/cart.ts:shippingLabel');
    expect(waiting.timeline.map((t) => t.stage)).toEqual(['collecting', 'cloning', 'proposing', 'awaiting-approval']);

    const [message] = e.slack.messages(SLACK_CHANNEL);
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);
    const blocks = JSON.stringify(message!.blocks);
    expect(blocks).toContain('"text":"Approve"');
    expect(blocks).toContain('"text":"Reject"');
    expect(blocks).toContain('user-1234');
    expect(blocks).toContain('Enriched from 2 Datadog log event(s) of 3 scanned (left out: 1 with another message)');
    expect(blocks).toContain(e.pipeline.config.temporal.uiUrl);

    expect((await e.click('approve', workflowId)).status).toBe(200);
    const merging = await e.waitForStage(workflowId, 'awaiting-merge');
    expect(merging.decision).toMatchObject({ approved: true, userId: 'U0APPROVER', userName: 'alice', via: 'slack' });
    expect(JSON.stringify(e.slack.messages(SLACK_CHANNEL)[0]?.blocks)).toContain('Approved by');
    expect(e.slack.messages(SLACK_CHANNEL)).toHaveLength(1);

    // Second half, direct mode: the pipeline pushed a branch and opened the PR itself.
    const pr = merging.pullRequest!;
    expect(pr.branch).toMatch(/^bugfix\//);
    const opened = await e.github.pull(pr.number);
    expect(opened.body).toContain(`Bugfix-Run: ${workflowId}`);
    expect(opened.body).toContain(merging.runUrl);
    await e.github.mergePullRequest(pr.number, { by: 'carol' });
    const merged = await e.waitForStage(workflowId, 'awaiting-deploy');
    expect(merged.pullRequest).toMatchObject({ mergedBy: 'carol', mergeCommitSha: await e.git.headOf('shop-api') });
    e.github.createDeployment({
      sha: merged.pullRequest!.mergeCommitSha!,
      environment: 'production',
      state: 'success',
    });

    const result = (await e.pipeline.client.workflow.getHandle(workflowId).result()) as RunStatus;
    expect(result.stage).toBe('verified-fixed');
    expect(result.verification).toMatchObject({ recurrences: 0, verdict: 'verified-fixed' });
    expect(result.timeline.map((t) => t.stage)).toEqual(STAGES_TO_VERIFIED);
    const final = e.slack.messages(SLACK_CHANNEL)[0]!;
    expect(JSON.stringify(final.blocks)).toContain('Verified fixed');
    const summary = e.slack.replies(final.ts).at(-1)!.text!;
    expect(summary).toMatch(/Run ended: \*verified-fixed\*/);
    expect(summary).toMatch(/suggestion \+\d+s · approval \+\d+s · merge \+\d+s · deploy \+\d+s · verified \+\d+s/);
    expect(summary).toContain(pr.url);

    const described = await e.pipeline.client.workflow.getHandle(workflowId).describe();
    expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['BugfixStage', 'verified-fixed'],
        ['BugfixService', SERVICE],
        ['BugfixFingerprint', accepted.workflows[0]!.fingerprint],
        ['BugfixPullRequest', pr.url],
      ]),
    );
  }, 150_000);
});
