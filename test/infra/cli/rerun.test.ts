import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '../../../infra/cli/history-json';
import { startE2E, alertPayload, type E2E } from '../../support/e2e';
import type { RunStatus } from '../../../workflows/domain/run-status';
import { startedInput } from '../../../infra/cli/history';
import { cliEnv, runCli } from './run-cli';

describe('bugfix CLI: rerun, replay and export-history of an expired run', () => {
  let e: E2E;
  let env: Record<string, string>;
  let workflowId: string;
  let expiredRunId: string;
  let dir: string;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    e = await startE2E({ env: { APPROVAL_TIMEOUT: '2s', APPROVAL_REMINDER_INTERVAL: '1m' } });
    env = cliEnv(e);
    dir = await mkdtemp(path.join(os.tmpdir(), 'bugfix-cli-'));
    const res = await e.sendAlert(alertPayload({ id: 'evt-cli-rerun' }));
    workflowId = ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
  }, 60_000);
  afterAll(async () => {
    await e?.pipeline.client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
    await e?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses to rerun a run that is still running (exit 3)', async () => {
    const r = await cli('rerun', workflowId, '--json');
    expect(r.code).toBe(3);
    expect(r.json<{ error: string }>().error).toMatch(/still running/);
  }, 60_000);

  it('replays the finished run against the current code, and exports a history the SDK replays', async () => {
    const handle = e.pipeline.client.workflow.getHandle(workflowId);
    expect(((await handle.result()) as RunStatus).stage).toBe('expired');
    expiredRunId = (await handle.describe()).runId;

    const file = path.join(dir, 'expired.json');
    const [replayed, exported, status] = await Promise.all([
      cli('replay', workflowId, '--json'),
      cli('export-history', workflowId, '--out', file, '--json'),
      cli('status', workflowId, '--json'),
    ]);
    // A closed run's status is its result.
    expect(status.json()).toMatchObject({
      execution: 'COMPLETED',
      source: 'result',
      runId: expiredRunId,
      status: { stage: 'expired' },
    });
    expect(replayed.code).toBe(0);
    expect(replayed.json()).toMatchObject({ ok: true, runId: expiredRunId });
    expect(exported.code, exported.stdout + exported.stderr).toBe(0);
    expect(exported.json()).toMatchObject({ runId: expiredRunId, file });

    const history = historyFromJSON(JSON.parse(await readFile(file, 'utf8')));
    expect(history.events!.length).toBe(exported.json<{ events: number }>().events);
    await Worker.runReplayHistory({ workflowBundle: { code: inject('workflowBundleCode') } }, history, workflowId);
  }, 90_000);

  it('replay reports a changed workflow as non-deterministic, with the event where it diverged (exit 1)', async () => {
    const changed = ['replay', workflowId, '--workflows', 'test/fixtures/changed-workflow/index.ts'];
    const [r, human] = await Promise.all([cli(...changed, '--json'), cli(...changed)]);
    expect(r.code).toBe(1);
    const out = r.json<{
      nondeterministic: boolean;
      eventId: number;
      eventType: string;
      stage: string;
      detail: string;
      error: string;
    }>();
    expect(out.nondeterministic).toBe(true);
    // The changed code schedules an activity where the run recorded its first stage upsert.
    expect(out).toMatchObject({ eventType: 'UpsertWorkflowSearchAttributes' });
    expect(out.detail).toContain(`HistoryEvent(id: ${out.eventId}, UpsertWorkflowSearchAttributes)`);
    expect(out.error).toMatch(new RegExp(`^Non-determinism at event ${out.eventId} \\(UpsertWorkflowSearchAttributes`));

    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/Non-determinism at event \d+ .*patched\(\)/);
    expect(human.stderr).toContain('[TMPRL1100] Nondeterminism error');
  }, 90_000);

  it('reruns the expired run: a new run of the same id, with the same input and its occurrences', async () => {
    const r = await cli('rerun', workflowId, '--json');
    expect(r.code).toBe(0);
    const out = r.json<{ runId: string; previousRunId: string; occurrences: number }>();
    expect(out.previousRunId).toBe(expiredRunId);
    expect(out.runId).not.toBe(expiredRunId);
    expect(out.occurrences).toBe(1);

    const client = e.pipeline.client;
    const [oldHistory, newHistory] = await Promise.all([
      client.workflow.getHandle(workflowId, expiredRunId).fetchHistory(),
      client.workflow.getHandle(workflowId, out.runId).fetchHistory(),
    ]);
    // The same input, marked as an operator's go-ahead (no FIX_COOLDOWN wait).
    expect(startedInput(newHistory)).toEqual({ ...startedInput(oldHistory), skipCooldown: true });
    const s = await e.waitFor(workflowId, (st) => st.runId === out.runId && st.stage === 'awaiting-approval', 90_000);
    expect(s.occurrences).toBe(1);
    expect(s.message).toContain('Cannot read properties of undefined');
  }, 120_000);
});
