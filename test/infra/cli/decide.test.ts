import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SERVICE, type E2E } from '../../support/e2e';
import { FIXED_LINE } from '../../fakes/scripted-fix';
import type { RunStatus } from '../../../workflows/domain/run-status';
import type { ListedRun } from '../../../infra/cli/commands/list';
import { cliEnv, eventually, runCli } from './run-cli';
import { claudeSpend } from '../../../activities/temporal/claude-spend';

const OTHER_SERVICE = 'billing-api';

describe('bugfix CLI: list, status, approve, reject against real runs', () => {
  let e: E2E;
  let env: Record<string, string>;
  let shop: string;
  let billing: string;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    e = await startE2E({ env: { FIX_COOLDOWN: '1h' } });
    env = cliEnv(e);
    const start = async (id: string, service: string) => {
      const res = await e.sendAlert(alertPayload({ id, service }));
      return ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
    };
    [shop, billing] = await Promise.all([start('evt-cli-shop', SERVICE), start('evt-cli-billing', OTHER_SERVICE)]);
    await Promise.all([shop, billing].map((id) => e.waitFor(id, (s) => s.slack !== undefined, 90_000)));
  }, 150_000);
  afterAll(async () => {
    await e?.pipeline.client.workflow
      .getHandle(shop)
      .terminate('test over')
      .catch(() => undefined);
    await e?.close();
  });

  it('status of a waiting run: stage, timeline with durations, the diff, cost and the Web UI link', async () => {
    const r = await cli('status', shop, '--json');
    expect(r.code).toBe(0);
    const out = r.json<{
      execution: string;
      source: string;
      status: RunStatus;
      timeline: { stage: string; durationMs: number }[];
      runUrl: string;
    }>();
    expect(out).toMatchObject({ execution: 'RUNNING', source: 'query' });
    expect(out.status.stage).toBe('awaiting-approval');
    expect(out.timeline.map((t) => t.stage)).toEqual(['collecting', 'cloning', 'proposing', 'awaiting-approval']);
    expect(out.timeline.every((t) => t.durationMs >= 0)).toBe(true);
    expect(out.status.fix?.diff).toContain(FIXED_LINE);
    expect(out.runUrl).toBe(
      `${e.pipeline.config.temporal.uiUrl}/namespaces/default/workflows/${shop}/${out.status.runId}/history`,
    );

    const human = await cli('status', shop);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Stage:\s+awaiting-approval/);
    // No log event was seeded: the CLI says so plainly, and so does the note shown in Slack.
    expect(human.stdout).toMatch(/Datadog logs:\s+No Datadog log event found for `service:shop-api status:error`/);
    expect(out.status.notes).toContainEqual(
      expect.stringMatching(/^No Datadog log event found .* The suggestion is based on the webhook's data alone\.$/),
    );
    expect(human.stdout).toContain(`Web UI:`);
    expect(human.stdout).toContain(FIXED_LINE);
    expect(human.stdout).toMatch(/Cost:\s+\$\d+\.\d\d \(Claude Code, 3 turns\)/);
  }, 60_000);

  it('reject with a reason, then list filters by stage and service', async () => {
    const rejected = await cli('reject', billing, '--reason', 'touches the wrong module', '--as', 'dave', '--json');
    expect(rejected.code).toBe(0);
    expect(rejected.json()).toMatchObject({
      decision: { approved: false, via: 'cli', userName: 'dave', userId: 'dave', reason: 'touches the wrong module' },
    });
    const done = (await e.pipeline.client.workflow.getHandle(billing).result()) as RunStatus;
    expect(done.stage).toBe('rejected');
    expect(done.decision).toMatchObject({
      approved: false,
      via: 'cli',
      userName: 'dave',
      reason: 'touches the wrong module',
    });

    const ids = async (...filters: string[]) => {
      const r = await cli('list', ...filters, '--json');
      expect(r.code).toBe(0);
      return r.json<{ runs: ListedRun[] }>().runs;
    };
    await eventually(async () => {
      const [waiting, rejectedRuns] = await Promise.all([
        ids('--stage', 'awaiting-approval'),
        ids('--stage', 'rejected'),
      ]);
      expect(waiting.map((r) => r.workflowId)).toEqual([shop]);
      expect(waiting[0]).toMatchObject({ service: SERVICE, status: 'RUNNING', occurrences: 1 });
      expect(waiting[0]!.costUsd).toBeGreaterThanOrEqual(0);
      expect(rejectedRuns.map((r) => r.workflowId)).toEqual([billing]);
    });
    const [byService, recent, limited, table] = await Promise.all([
      ids('--service', OTHER_SERVICE, '--since', '1h'),
      ids('--since', '1h'),
      ids('--since', '1h', '--limit', '1'),
      cli('list', '--stage', 'rejected'),
    ]);
    expect(byService.map((r) => [r.workflowId, r.stage])).toEqual([[billing, 'rejected']]);
    // Only this service's runs (WORKFLOW_ID_PREFIX), newest first.
    expect(recent.map((r) => r.workflowId).sort()).toEqual([billing, shop].sort());
    expect(recent[0]!.startTime >= recent[1]!.startTime).toBe(true);
    expect(limited).toHaveLength(1);
    expect(table.stdout).toMatch(new RegExp(`${billing}\\s+rejected\\s+${OTHER_SERVICE}\\s+-\\s+1\\s+\\$`));
  }, 90_000);

  it('approve records via cli and the operator; a second approve is refused with exit 3', async () => {
    // The CLI goes through the same approver check as the Slack buttons.
    const stranger = await cli('approve', shop, '--as', 'mallory', '--json');
    expect(stranger.code).toBe(3);
    expect(stranger.json<{ error: string }>().error).toMatch(
      /^mallory may not decide: only the configured approvers can approve or reject fixes\. Decide as your Slack user id with --as/,
    );
    expect((await e.status(shop)).decision).toBeUndefined();

    const approved = await cli('approve', shop, '--as', 'carol', '--json');
    expect(approved.code).toBe(0);
    expect(approved.json()).toMatchObject({
      workflowId: shop,
      decision: { approved: true, via: 'cli', userId: 'carol', userName: 'carol' },
    });
    const s = await e.waitFor(shop, (st) => st.decision !== undefined);
    expect(s.decision).toMatchObject({ approved: true, via: 'cli', userName: 'carol' });

    const again = await cli('approve', shop, '--json');
    expect(again.code).toBe(3);
    expect(again.json<{ error: string }>().error).toMatch(/Already approved by carol/);
    const human = await cli('reject', shop, '--reason', 'too late');
    expect(human.code).toBe(3);
    expect(human.stderr).toMatch(/Already approved by carol/);
  }, 60_000);

  it('unknown runs exit 3, bad usage exits 2', async () => {
    const [missing, noReason, badStage] = await Promise.all([
      cli('approve', `${env.WORKFLOW_ID_PREFIX}-nope-0000`, '--json'),
      cli('reject', shop), // --reason is required
      cli('list', '--stage', 'sleeping'),
    ]);
    expect(missing.code).toBe(3);
    expect(missing.json<{ error: string }>().error).toMatch(/No such run|not found/i);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/required option '--reason <text>'/);
    expect(badStage.code).toBe(2);
  }, 60_000);

  it('a new alert for a rejected error waits out FIX_COOLDOWN, counted by the budget check; the CLI can go ahead', async () => {
    const res = await e.sendAlert(alertPayload({ id: 'evt-cli-billing-again', service: OTHER_SERVICE }));
    expect(((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId).toBe(billing);
    const cooling = await e.waitFor(billing, (s) => s.stage === 'cooling-down', 60_000);
    expect(cooling.notes.at(-1)).toMatch(/^The previous run of this error ended rejected at .*bugfix approve/);
    expect(cooling.fix).toBeUndefined();

    const go = await cli('approve', billing, '--json');
    expect(go.code, go.stdout + go.stderr).toBe(0);
    const proposed = await e.waitFor(billing, (s) => s.stage === 'awaiting-approval', 90_000);
    expect(proposed.fix?.diff).toContain(FIXED_LINE);
    await e.pipeline.client.workflow.getHandle(billing).terminate('test over');

    // What the budget check reads: the day's spend of this deployment's runs, from their search attributes.
    const since = new Date().toISOString().slice(0, 10) + 'T00:00:00.000Z';
    const spent = await claudeSpend(e.pipeline.client, env.WORKFLOW_ID_PREFIX!, { service: OTHER_SERVICE, since });
    expect(spent.runs).toBeGreaterThanOrEqual(2);
    expect(spent.serviceUsd).toBeGreaterThan(0);
    expect(spent.totalUsd).toBeGreaterThan(spent.serviceUsd);
  }, 150_000);
});
