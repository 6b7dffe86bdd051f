import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertPayload, closeTerminatingRuns, SERVICE, SIGNING_SECRET, startE2E, type E2E } from '../support/e2e';
import { errorLogEvent } from '../fakes/datadog-shapes';
import { PagerDutyFake } from '../fakes/pagerduty-fake';
import { signedInteraction, viewSubmissionPayload } from '../support/slack-sign';
import { toolNames } from '../fakes/anthropic-fake';
import type { RunStatus } from '../../workflows/domain/run-status';
import { cliEnv, runCli } from '../infra/cli/run-cli';
import { ERROR_TYPE, SERVICE as SERVICE_KEY, TOP_FRAME } from '../../workflows/domain/search-attributes';

/**
 * Triage and escalation through the real path: the real Claude Code CLI classifies against the
 * scripted model (test/fakes/scripted-triage.ts), the real Temporal server runs the pipeline, the
 * Slack and PagerDuty fakes see what people would. Timers are seconds long.
 */
let e: E2E;
let pagerDuty: PagerDutyFake;

beforeAll(async () => {
  pagerDuty = await PagerDutyFake.start();
  e = await startE2E({
    env: {
      TRIAGE: 'on',
      APPROVAL_REMINDER_INTERVAL: '1s',
      PAGERDUTY_EVENTS_URL: pagerDuty.eventsUrl,
      ESCALATION_POLICIES: JSON.stringify({
        [SERVICE]: {
          owners: ['S0OWNERS'],
          levels: [{ notify: ['S0SECOND'], afterMs: 1_500 }],
          pagerDuty: { routingKey: PagerDutyFake.routingKey(), afterMs: 1_500 },
        },
      }),
    },
  });
}, 120_000);
afterAll(async () => {
  await closeTerminatingRuns(e);
  await pagerDuty?.close();
});

/** An error of the service as Datadog has it: a log event with its stack, and the monitor's webhook. */
async function sendError(id: string, kind: string, message: string, frame: { fn: string; file: string }) {
  const stack = [
    `${kind}: ${message}`,
    `    at ${frame.fn} (/app/${frame.file}:10:5)`,
    '    at Server.<anonymous> (/app/src/server.ts:12:18)',
  ].join('\n');
  e.datadog.addLog(errorLogEvent({ service: SERVICE, kind, message, stack, timestamp: Date.now() - 30_000 }));
  const res = await e.sendAlert(alertPayload({ id, message: `${kind}: ${message}` }));
  expect(res.status).toBe(202);
  const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
  return workflows[0]!.workflowId;
}

const threadOf = (s: RunStatus) => e.slack.replies(s.slack!.ts).map((m) => m.text ?? '');
const fixSessionsAbout = (text: string) =>
  e.anthropic
    .turnRequests()
    .filter((r) => !toolNames(r).includes('StructuredOutput') && JSON.stringify(r.body).includes(text));

describe('triage and escalation (real CLI, real server, fakes)', () => {
  it('an infrastructure error is classified and escalated to the owners without a fix attempt', async () => {
    const id = await sendError('dd-infra-1', 'Error', 'ENOSPC: no space left on device, write', {
      fn: 'writeReceipt',
      file: 'src/receipts.ts',
    });
    await e.waitForStage(id, 'escalated', 90_000);
    const s = (await e.pipeline.client.workflow.getHandle(id).result()) as RunStatus;
    expect(s.triage).toMatchObject({ category: 'infrastructure', fixableByCode: false, severity: 'critical' });
    expect(s.timeline.map((t) => t.stage)).toEqual(['collecting', 'triaging', 'escalated']);
    expect(s.fix).toBeUndefined();
    expect(fixSessionsAbout('ENOSPC')).toHaveLength(0);
    expect(s.escalations).toMatchObject([{ level: 0, reason: 'not-fixable-by-code', notified: ['S0OWNERS'] }]);
    // Slack: the category and confidence at a glance, no buttons, and the owners mentioned in the thread.
    const message = JSON.stringify(e.slack.messages().find((m) => m.ts === s.slack!.ts)!.blocks);
    expect(message).toContain('*Triage:* infrastructure · critical · 95 %');
    expect(message).not.toContain('bugfix_approve');
    expect(threadOf(s).join('\n')).toMatch(/Escalated to <!subteam\^S0OWNERS> \(the owners\): triage says/);
    // The Web UI (and anyone) can filter runs by category.
    const found = async () => {
      const ids: string[] = [];
      for await (const w of e.pipeline.client.workflow.list({ query: `BugfixCategory = "infrastructure"` }))
        ids.push(w.workflowId);
      return ids;
    };
    await expect.poll(found, { timeout: 10_000 }).toContain(id);
    // And so can on-call, from the CLI.
    const listed = await runCli(['list', '--category', 'infrastructure', '--json'], cliEnv(e));
    expect((JSON.parse(listed.stdout) as { runs: { workflowId: string; category: string }[] }).runs).toContainEqual(
      expect.objectContaining({ workflowId: id, category: 'infrastructure' }),
    );
  }, 150_000);

  it('"Not a code bug" teaches the triage: a later error of the same kind is classified as configuration', async () => {
    const first = await sendError('dd-conf-1', 'Error', 'PAYMENT_KEY is not set', {
      fn: 'charge',
      file: 'src/payments.ts',
    });
    const asked = await e.waitForStage(first, 'awaiting-approval', 90_000);
    expect(asked.triage).toMatchObject({ category: 'code-defect', examplesUsed: 0 });

    expect((await e.click('not_code', first)).status).toBe(200);
    await expect.poll(() => e.slack.openedViews().length, { timeout: 10_000 }).toBeGreaterThan(0);
    const modal = e.slack.openedViews().at(-1)!.view as { callback_id: string; private_metadata: string };
    const { body, headers } = signedInteraction(
      SIGNING_SECRET,
      viewSubmissionPayload({
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        values: {
          category: { category_select: { selected_option: { value: 'configuration' } } },
          note: { note_input: { value: 'a missing secret in the deployment' } },
        },
        userId: 'U0APPROVER',
        userName: 'alice',
      }),
    );
    const submitted = await fetch(`${e.pipeline.apiUrl}/slack/interactions`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    expect(submitted.status).toBe(200);
    const corrected = await e.waitForStage(first, 'escalated', 30_000);
    expect(corrected.decision).toMatchObject({ approved: false, correction: { category: 'configuration' } });

    // The CLI's correction goes to the same memory: an escalated run said to be a code defect after all.
    const cli = await runCli(
      ['correct', first, '--category', 'configuration', '--note', 'secrets live in Vault'],
      cliEnv(e),
    );
    expect(cli.stdout).toMatch(/Recorded: errors of shop-api like this one are configuration from now on/);

    // Another missing setting, elsewhere in the code: no fix this time.
    const second = await sendError('dd-conf-2', 'Error', 'REFUND_WEBHOOK_URL is not set', {
      fn: 'refund',
      file: 'src/refunds.ts',
    });
    const s = await e.waitForStage(second, 'escalated', 90_000);
    expect(s.triage).toMatchObject({ category: 'configuration', fixableByCode: false });
    expect(s.triage!.examplesUsed).toBeGreaterThanOrEqual(1);
    expect(fixSessionsAbout('REFUND_WEBHOOK_URL')).toHaveLength(0);
  }, 240_000);

  it('a related fingerprint (same frame, another message) joins the open run instead of paying for a fix', async () => {
    const frame = { fn: 'reserveStock', file: 'src/inventory.ts' };
    const first = await sendError(
      'dd-rel-1',
      'TypeError',
      "Cannot read properties of undefined (reading 'sku')",
      frame,
    );
    await e.waitForStage(first, 'awaiting-approval', 90_000);
    const second = await sendError('dd-rel-2', 'TypeError', "Cannot read properties of null (reading 'sku')", frame);
    expect(second).not.toBe(first);
    const joined = await e.waitForStage(second, 'joined', 60_000);
    expect(joined.joined).toEqual({ workflowId: first });
    expect(joined.triage).toBeUndefined();
    const s = await e.waitFor(first, (x) => (x.related?.length ?? 0) > 0, 10_000);
    expect(s.related).toMatchObject([{ workflowId: second, errorType: 'TypeError' }]);
    expect(fixSessionsAbout("of null (reading 'sku')")).toHaveLength(0);
  }, 180_000);

  it("another deployment's run of the same root cause (another WORKFLOW_ID_PREFIX) is not joined", async () => {
    const frame = { fn: 'applyCoupon', file: 'src/coupons.ts' };
    // A run of another deployment sharing the namespace, parked on a queue nobody polls.
    const other = await e.pipeline.client.workflow.start('bugfixWorkflow', {
      workflowId: `other-deployment-${Date.now()}`,
      taskQueue: `other-deployment-${Date.now()}`,
      args: [{}],
      typedSearchAttributes: [
        { key: SERVICE_KEY, value: SERVICE },
        { key: ERROR_TYPE, value: 'TypeError' },
        { key: TOP_FRAME, value: 'src/coupons.ts:applyCoupon' },
      ],
    });
    try {
      const id = await sendError(
        'dd-prefix-1',
        'TypeError',
        "Cannot read properties of undefined (reading 'rate')",
        frame,
      );
      const s = await e.waitForStage(id, 'awaiting-approval', 90_000);
      expect(s.joined).toBeUndefined();
      expect(s.triage?.category).toBe('code-defect');
    } finally {
      await other.terminate('test over');
    }
  }, 180_000);

  it('an unanswered approval climbs the ladder: a second group, then PagerDuty, resolved once approved', async () => {
    const id = await sendError('dd-ladder-1', 'RangeError', 'Invalid time value', {
      fn: 'formatDelivery',
      file: 'src/delivery.ts',
    });
    await e.waitForStage(id, 'awaiting-approval', 90_000);
    const s = await e.waitFor(id, (x) => (x.escalations?.length ?? 0) >= 2, 20_000);
    expect(s.escalations).toMatchObject([
      { level: 1, reason: 'no-answer', notified: ['S0SECOND'] },
      { level: 2, reason: 'no-answer', notified: [`pagerduty:${SERVICE}`], pagerDutyDedupKey: `bugfix/${id}` },
    ]);
    const incident = pagerDuty.incident(`bugfix/${id}`);
    expect(incident).toMatchObject({ status: 'triggered', severity: 'warning', alerts: 1 });
    // The thread's reply is posted after the run records the escalation: wait for it.
    await expect
      .poll(() => threadOf(s).join('\n'), { timeout: 15_000 })
      .toMatch(/Escalated to PagerDuty \(shop-api\) \(level 2\): no answer/);
    expect(threadOf(s).join('\n')).toMatch(/Escalated to <!subteam\^S0SECOND> \(level 1\): no answer/);

    // On-call sees the same from the CLI.
    const cli = await runCli(['status', id], cliEnv(e));
    expect(cli.stdout).toMatch(
      /Escalations: +level 1 \(no-answer\) to S0SECOND at .*; level 2 \(no-answer\) to pagerduty:shop-api/,
    );
    expect(cli.stdout).toMatch(/Triage: +code-defect · medium · 60 % · fixable by code/);

    expect((await e.click('approve', id)).status).toBe(200);
    await e.waitFor(id, (x) => x.pageResolvedAt !== undefined, 20_000);
    expect(pagerDuty.incident(`bugfix/${id}`)?.status).toBe('resolved');
    // The same key throughout: one incident, triggered once and resolved.
    const keys = pagerDuty.events.map((ev) => (ev.body as { dedup_key?: string }).dedup_key);
    expect(new Set(keys.filter((k) => k?.includes(id)))).toEqual(new Set([`bugfix/${id}`]));
  }, 180_000);
});
