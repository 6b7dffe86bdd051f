import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { loadReportRows, reportQuery } from '../../../activities/temporal/load-report-rows';
import { computeReport } from '../../../workflows/domain/report/compute-report';
import { reportRowOf, type ReportRow } from '../../../workflows/domain/report/report-row';
import type { RunStatus } from '../../../workflows/domain/run-status';
import { SERVICE, STAGE } from '../../../workflows/domain/search-attributes';
import type { LegacyRunInput } from '../../fixtures/legacy-runs';
import { testRuntime } from '../../support/pipeline';
import { quietLogger } from '../../support/quiet-logger';
import { eventually } from '../../infra/cli/run-cli';

/**
 * The report loader against the real dev server: runs of the pipeline's workflow type with and
 * without a report row in their memo, completed, waiting, terminated, continued as new, and one of
 * another deployment. The stand-in workflow (test/fixtures/legacy-runs) writes the given memo.
 */
const prefix = `r${randomBytes(4).toString('hex')}`;
const taskQueue = `report-rows-${randomUUID()}`;
let client: Client;
let connection: Connection;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;

/** A recorded run's result (RunStatus), from the last event of its committed history. */
function recordedResult(name: string, workflowId: string): RunStatus {
  const file = fileURLToPath(new URL(`../../fixtures/histories/${name}.json`, import.meta.url));
  const events = (JSON.parse(readFileSync(file, 'utf8')) as { events: Record<string, unknown>[] }).events;
  const done = events.at(-1)!.workflowExecutionCompletedEventAttributes as { result: { payloads: { data: string }[] } };
  const status = JSON.parse(Buffer.from(done.result.payloads[0]!.data, 'base64').toString('utf8')) as RunStatus;
  return { ...status, workflowId };
}

function row(workflowId: string, stage: ReportRow['stage'], startedAt: string): ReportRow {
  return {
    workflowId,
    firstRunId: `${workflowId}-first`,
    service: 'shop-api',
    errorType: 'TypeError',
    stage,
    startedAt,
    alertAt: startedAt,
    regressed: false,
    reverted: false,
    costUsd: 0.25,
  };
}

async function start(workflowId: string, input: LegacyRunInput, service = 'shop-api') {
  return client.workflow.start('bugfixWorkflow', {
    taskQueue,
    workflowId,
    args: [input],
    typedSearchAttributes: [
      { key: SERVICE, value: service },
      { key: STAGE, value: String(input.memo.stage ?? 'collecting') },
    ],
  });
}

const id = (name: string) => `${prefix}-shop-api-${name}`;
const now = new Date().toISOString();

beforeAll(async () => {
  await testRuntime();
  const address = inject('temporalAddress');
  native = await NativeConnection.connect({ address });
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../fixtures/legacy-runs/index.ts', import.meta.url)),
    logger: quietLogger,
  });
  worker = await Worker.create({ connection: native, taskQueue, workflowBundle: { code } });
  running = worker.run();
  connection = await Connection.connect({ address });
  client = new Client({ connection });

  const legacy = recordedResult('rejected', id('legacy'));
  await (await start(id('legacy'), { memo: { summary: 'older run', stage: 'rejected' }, result: legacy })).result();
  await start(id('waiting'), { memo: { summary: 'older run, waiting', stage: 'awaiting-approval' }, wait: true });
  const stopped = await start(id('stopped'), {
    memo: { report: row(id('stopped'), 'awaiting-approval', now) },
    wait: true,
  });
  // Terminated once its memo is written (a run that had begun).
  await eventually(async () => expect((await stopped.describe()).memo).toHaveProperty('report'));
  await stopped.terminate('operator');
  const continued = row(id('continued'), 'verified-fixed', now);
  await (
    await start(id('continued'), {
      memo: { report: { ...continued, stage: 'awaiting-deploy' } },
      then: { report: continued },
      result: null,
    })
  ).result();
  // A Fix-this run from before rows carried `debt`: known by its error type.
  const debtFix = { ...row(id('debt-fix'), 'awaiting-deploy', now), errorType: 'TechnicalDebt' };
  await (await start(id('debt-fix'), { memo: { report: debtFix } })).result();
  // Another deployment's run on the same namespace: not ours to report.
  await (await start(`x${prefix}-shop-api-other`, { memo: { report: row('other', 'verified-fixed', now) } })).result();
}, 120_000);

afterAll(async () => {
  await client?.workflow
    .getHandle(id('waiting'))
    .terminate('test over')
    .catch(() => undefined);
  worker?.shutdown();
  await running;
  await native?.close();
  await connection?.close();
});

describe('loadReportRows (real dev server)', () => {
  const since = new Date(Date.now() - 600_000);

  it("reads this deployment's runs: memo rows, older runs from their result or their search attributes", async () => {
    const rows = await eventually(async () => {
      const r = await loadReportRows(client, { prefix, since });
      expect(r.map((x) => x.workflowId).sort()).toEqual(
        [id('continued'), id('debt-fix'), id('legacy'), id('stopped'), id('waiting')].sort(),
      );
      return r;
    });
    const by = Object.fromEntries(rows.map((r) => [r.workflowId, r]));
    // A completed run without a row: its result, as the run would have written it.
    const legacy = recordedResult('rejected', id('legacy'));
    expect(by[id('legacy')]).toEqual(reportRowOf(legacy));
    expect(by[id('legacy')]).toMatchObject({ stage: 'rejected', rejectionReason: legacy.decision!.reason });
    // A waiting run without a row: what visibility tells.
    expect(by[id('waiting')]).toMatchObject({ service: 'shop-api', stage: 'awaiting-approval', regressed: false });
    expect(by[id('waiting')]!.ended).toBeUndefined();
    // Terminated before an outcome: ended; continued as new: one row, the latest execution's.
    expect(by[id('stopped')]).toEqual({ ...row(id('stopped'), 'awaiting-approval', now), ended: 'terminated' });
    expect(by[id('continued')]).toEqual(row(id('continued'), 'verified-fixed', now));
    expect(by[id('debt-fix')]).toMatchObject({ errorType: 'TechnicalDebt', debt: true });
    expect(by[id('legacy')]!.debt).toBeUndefined();

    const report = computeReport(rows, { since: '2000-01-01T00:00:00.000Z', now: new Date().toISOString() });
    expect(report.outcomes).toEqual([
      { outcome: 'verified-fixed', runs: 1 },
      { outcome: 'rejected', runs: 1 },
      { outcome: 'ended', runs: 1 },
      { outcome: 'open', runs: 1 },
    ]);
    expect(report.debtFixes).toMatchObject({ runs: 1 });
  });

  it('is bounded, newest first, and filters by service', async () => {
    const two = await loadReportRows(client, { prefix, since, limit: 2 });
    expect(two.map((r) => r.workflowId)).toEqual([id('debt-fix'), id('continued')]);
    expect(await loadReportRows(client, { prefix, since, service: 'billing' })).toEqual([]);
    expect(reportQuery({ prefix: 'p', since: new Date(0), service: 'a"b' })).toBe(
      `WorkflowType = 'bugfixWorkflow' AND WorkflowId STARTS_WITH "p-" AND StartTime > "1970-01-01T00:00:00.000Z" AND BugfixService = "a\\"b"`,
    );
  });
});
