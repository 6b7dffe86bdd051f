import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTerminatingRuns, startE2E, type E2E } from '../../support/e2e';
import { cliEnv, eventually, runCli } from '../cli/run-cli';
import { SAMPLE_DEBT, debtScanTurns, structuredTurns } from '../../fakes/scripted-debt';
import { loadConfig, type Config } from '../../../infra/platform/config/load-config';
import { repoRoot } from '../../../infra/platform/config/read-config';
import { createClient } from '../../../infra/platform/temporal-connection';
import { ensureSchedules } from '../../../infra/temporal/schedules';
import type { ListedSchedule } from '../../../infra/cli/commands/schedule';
import { FIX_DEBT_ACTION_ID } from '../../../workflows/domain/slack-actions';
import type { DebtScan } from '../../../workflows/domain/debt';

/**
 * The deployment's schedules on the real dev server: ensured idempotently at every start, updated when the
 * configuration changes, and operated through the real CLI; a trigger runs a scan on the real worker.
 */
let e: E2E;
let scanId: string;
let digestId: string;
const file = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as unknown;
const configWith = (over: Record<string, string>): Config => loadConfig(file, { ...e.pipeline.env, ...over });
const cli = (...args: string[]) =>
  runCli(args, { ...cliEnv(e), GIT_REPO_URL: e.pipeline.env.GIT_REPO_URL!, GIT_BRANCH: 'main' });

beforeAll(async () => {
  e = await startE2E({
    classifier: structuredTurns(debtScanTurns([() => ({ items: [SAMPLE_DEBT.port, SAMPLE_DEBT.cast] })])),
  });
  const prefix = e.pipeline.config.temporal.workflowIdPrefix;
  scanId = `${prefix}-debt-scan-shop-api`;
  digestId = `${prefix}-report-digest`;
}, 120_000);
afterAll(async () => {
  for (const id of [scanId, digestId])
    await e?.pipeline.client.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
  await closeTerminatingRuns(e);
});

describe('schedules (real dev server)', () => {
  it('are created once; a second start, even with a new connection, changes nothing; a new cron updates', async () => {
    const { client, config } = e.pipeline;
    expect(config.schedules.debtScan.repositories).toEqual([
      { name: 'shop-api', url: e.pipeline.env.GIT_REPO_URL, branch: 'main' },
    ]);
    expect(await ensureSchedules(client, config)).toEqual({
      created: [scanId, digestId],
      updated: [],
      removed: [],
    });
    expect(await ensureSchedules(client, config)).toEqual({ created: [], updated: [], removed: [] });
    // As a restarted process would: the configuration read again, another connection.
    const restarted = await createClient(config.temporal);
    try {
      expect(await ensureSchedules(restarted, configWith({}))).toEqual({ created: [], updated: [], removed: [] });
    } finally {
      await restarted.connection.close();
    }

    const scan = await client.schedule.getHandle(scanId).describe();
    expect(scan.action).toMatchObject({
      workflowType: 'debtScanWorkflow',
      taskQueue: config.temporal.taskQueue,
      workflowId: scanId,
      args: [{ repository: 'shop-api', topN: 10, claudeTimeoutMs: 90_000 }],
    });
    expect(scan.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 86_400_000 });
    const next = scan.info.nextActionTimes[0]!;
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 9, 0]);
    const digest = await client.schedule.getHandle(digestId).describe();
    expect(digest.action).toMatchObject({ workflowType: 'reportDigestWorkflow', args: [{ sinceMs: 604_800_000 }] });

    expect(await ensureSchedules(client, configWith({ DEBT_SCAN_CRON: '30 10 * * 2' }))).toEqual({
      created: [],
      updated: [scanId],
      removed: [],
    });
    const moved = (await client.schedule.getHandle(scanId).describe()).info.nextActionTimes[0]!;
    expect([moved.getUTCDay(), moved.getUTCHours(), moved.getUTCMinutes()]).toEqual([2, 10, 30]);
    // Back to the configured cron for the CLI tests below.
    expect((await ensureSchedules(client, config)).updated).toEqual([scanId]);
  });

  it('bugfix schedule list, pause (kept across an update), unpause; unknown ids name the known ones', async () => {
    const listed = await cli('schedule', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(listed.json<ListedSchedule[]>()).toEqual([
      expect.objectContaining({
        scheduleId: scanId,
        workflowType: 'debtScanWorkflow',
        cron: '0 9 * * 1',
        paused: false,
      }),
      expect.objectContaining({ scheduleId: digestId, workflowType: 'reportDigestWorkflow', configured: true }),
    ]);
    const human = await cli('schedule', 'list');
    expect(human.stdout).toMatch(new RegExp(`${scanId}\\s+debtScanWorkflow\\s+0 9 \\* \\* 1\\s+active`));

    // The prefix may be left out.
    const paused = await cli('schedule', 'pause', 'debt-scan-shop-api', '--note', 'release freeze');
    expect([paused.code, paused.stdout.trim()]).toEqual([0, `Paused ${scanId}.`]);
    const state = (await e.pipeline.client.schedule.getHandle(scanId).describe()).state;
    expect(state).toMatchObject({ paused: true, note: 'release freeze' });
    // A start with a changed cron updates the schedule but leaves it paused.
    expect((await ensureSchedules(e.pipeline.client, configWith({ DEBT_SCAN_CRON: '0 8 * * 1' }))).updated).toEqual([
      scanId,
    ]);
    expect((await e.pipeline.client.schedule.getHandle(scanId).describe()).state.paused).toBe(true);
    expect((await ensureSchedules(e.pipeline.client, e.pipeline.config)).updated).toEqual([scanId]);
    expect((await cli('schedule', 'list', '--json')).json<ListedSchedule[]>()[0]).toMatchObject({ paused: true });

    const unpaused = await cli('schedule', 'unpause', scanId, '--json');
    expect(unpaused.json()).toEqual({ scheduleId: scanId, paused: false });
    expect((await e.pipeline.client.schedule.getHandle(scanId).describe()).state.paused).toBe(false);

    const unknown = await cli('schedule', 'pause', 'debt-scan-nope');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(`No schedule "debt-scan-nope"`);
    expect(unknown.stderr).toContain(`Known schedules: ${scanId}, ${digestId}.`);

    const backwards = await cli('schedule', 'backfill', scanId, '--from', '2025-02-01', '--to', '2025-01-01');
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('--to (2025-01-01T00:00:00.000Z) must be after --from');
    const notADate = await cli('schedule', 'backfill', scanId, '--from', 'last week', '--to', '2025-01-01');
    expect(notADate.code).toBe(2);
    expect(notADate.stderr).toMatch(/--from.*expected an ISO 8601 date/);
  }, 120_000);

  it('bugfix schedule trigger runs a scan whose id starts with the prefix and posts its digest', async () => {
    const triggered = await cli('schedule', 'trigger', scanId);
    expect(triggered.code).toBe(0);
    expect(triggered.stdout).toContain(`Triggered ${scanId}`);
    const run = await eventually(async () => {
      const [last] = (await e.pipeline.client.schedule.getHandle(scanId).describe()).info.recentActions;
      if (!last) throw new Error('no run yet');
      return last.action.workflow;
    });
    expect(run.workflowId.startsWith(`${scanId}-`)).toBe(true);
    const result: DebtScan = await e.pipeline.client.workflow.getHandle(run.workflowId).result();
    expect(result.items.map((i) => i.title)).toEqual([SAMPLE_DEBT.port.title, SAMPLE_DEBT.cast.title]);
    const digest = e.slack.messages().find((m) => m.ts === result.slack?.ts)!;
    const buttons = (digest.blocks as { accessory?: { action_id: string } }[]).filter((b) => b.accessory);
    expect(buttons.map((b) => b.accessory!.action_id)).toEqual([FIX_DEBT_ACTION_ID, FIX_DEBT_ACTION_ID]);

    const listed = (await cli('schedule', 'list', '--json')).json<ListedSchedule[]>();
    expect(listed[0]).toMatchObject({ scheduleId: scanId, lastWorkflowId: run.workflowId });

    // One Monday 09:00 in the range: one run, scheduled for that time.
    const backfill = await cli('schedule', 'backfill', scanId, '--from', '2025-01-05', '--to', '2025-01-07');
    expect([backfill.code, backfill.stdout.trim()]).toEqual([
      0,
      `Backfilling ${scanId} from 2025-01-05T00:00:00.000Z to 2025-01-07T00:00:00.000Z.`,
    ]);
    const filled = await eventually(async () => {
      const { recentActions } = (await e.pipeline.client.schedule.getHandle(scanId).describe()).info;
      const found = recentActions.find((a) => a.scheduledAt.toISOString() === '2025-01-06T09:00:00.000Z');
      if (!found) throw new Error('no backfilled run yet');
      return found.action.workflow.workflowId;
    });
    expect(filled).toBe(`${scanId}-2025-01-06T09:00:00Z`);
    expect((await e.pipeline.client.workflow.getHandle(filled).result()) as DebtScan).toMatchObject({
      repository: 'shop-api',
    });
  }, 180_000);

  it('a repository no longer configured (DEBT_SCAN=off) loses its schedule; delete says when it comes back', async () => {
    expect(await ensureSchedules(e.pipeline.client, configWith({ DEBT_SCAN: 'off' }))).toMatchObject({
      created: [],
      removed: [scanId],
    });
    expect((await ensureSchedules(e.pipeline.client, e.pipeline.config)).created).toEqual([scanId]);
    const deleted = await cli('schedule', 'delete', scanId);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('It is still configured: the next start creates it again');
    expect((await ensureSchedules(e.pipeline.client, e.pipeline.config)).created).toEqual([scanId]);
  }, 60_000);

  it('npm run worker ensures the schedules before it polls, and a second worker start changes nothing', async () => {
    const prefix = `w${randomBytes(4).toString('hex')}`;
    const env = {
      ...process.env,
      ...cliEnv(e),
      WORKFLOW_ID_PREFIX: prefix,
      GIT_REPO_URL: e.pipeline.env.GIT_REPO_URL!,
      WORKER_METRICS_ADDRESS: 'off',
    };
    const startWorker = async () => {
      const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/worker.ts'], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await expect.poll(() => output, { timeout: 60_000, interval: 250 }).toContain('Worker polling');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      return output;
    };
    try {
      expect(await startWorker()).toContain(
        `Schedules: 2 configured; created ${prefix}-debt-scan-shop-api, ${prefix}-report-digest (bugfix schedule list)`,
      );
      expect(await startWorker()).toContain('Schedules: 2 configured, unchanged (bugfix schedule list)');
    } finally {
      for (const id of [`${prefix}-debt-scan-shop-api`, `${prefix}-report-digest`])
        await e.pipeline.client.schedule
          .getHandle(id)
          .delete()
          .catch(() => undefined);
    }
  }, 150_000);
});
