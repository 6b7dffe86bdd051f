import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleWorkflowCode, makeTelemetryFilterString, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJSON } from '../../infra/cli/history-json';
import { workflowsPath } from '../../workers/create-worker';
import { quietLogger } from '../support/quiet-logger';

/**
 * Replay safety: every history recorded under test/fixtures/histories must replay against the
 * current workflow bundle. A failure here means the change would break runs in flight: guard it
 * with patched() (test/fixtures/histories/README.md). Needs no Temporal server.
 */
const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));
const historiesDir = path.join(fixtures, 'histories');

async function histories(): Promise<{ workflowId: string; history: ReturnType<typeof historyFromJSON> }[]> {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => ({
      workflowId: path.basename(f, '.json'),
      history: historyFromJSON(JSON.parse(await readFile(path.join(historiesDir, f), 'utf8'))),
    })),
  );
}

async function replayAll(code: string, items: Awaited<ReturnType<typeof histories>>): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: { code } }, items)) results.push(r);
  return results;
}

describe('workflow replay against recorded histories', () => {
  let current: string;
  beforeAll(async () => {
    try {
      // The changed workflow's failed task is expected; keep the worker's warning about it out of the output.
      Runtime.install({
        logger: quietLogger,
        telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
      });
    } catch {
      // another file in this process installed it first
    }
    current = inject('workflowBundleCode') || (await bundleWorkflowCode({ workflowsPath, logger: quietLogger })).code;
  }, 120_000);

  it('every committed history replays against the current workflow code', async () => {
    const items = await histories();
    // Approval, rejection, expiry, failure, retry, every apply mode, regression: see the file names.
    expect(items.map((h) => h.workflowId)).toEqual(
      expect.arrayContaining([
        'direct-approved-verified',
        'rejected',
        'expired',
        'direct-regressed-reverted',
        'cursor-api-verified',
        'cursor-slack-verified',
        'cursor-api-retried-verified',
        'cursor-api-gave-up',
      ]),
    );
    const results = await replayAll(current, items);
    expect(results.map((r) => r.workflowId)).toEqual(items.map((h) => h.workflowId));
    const broken = results
      .filter((r) => r.error)
      .map((r) => `${r.workflowId}.json: ${/\[TMPRL\d+\][^"]*/.exec(r.error!.message)?.[0] ?? r.error!.message}`);
    expect(broken, 'these recorded runs would break: guard the change with patched()').toEqual([]);
  }, 120_000);

  it('a workflow with an extra activity call early is reported non-deterministic', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(fixtures, 'changed-workflow/index.ts'),
      logger: quietLogger,
    });
    const approved = (await histories()).filter((h) => h.workflowId === 'direct-approved-verified');
    const [result] = await replayAll(code, approved);
    expect(result!.error).toBeInstanceOf(DeterminismViolationError);
    expect(result!.error!.message).toMatch(/Nondeterminism error: .*HistoryEvent\(id: \d+/);
  }, 120_000);
});
