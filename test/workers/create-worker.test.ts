import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../infra/platform/config/load-config';
import { repoRoot } from '../../infra/platform/config/read-config';
import { createClient } from '../../infra/platform/temporal-connection';
import { createWorker, type PipelineWorker } from '../../workers/create-worker';
import { decideUpdate, statusQuery } from '../../workflows/domain/messages';
import type { BugfixInput, RunStatus } from '../../workflows/domain/run-status';
import { testRuntime } from '../support/pipeline';
import { happyPath, identity, stubSettings } from '../support/stub-run';

const RUNS = 6;
const CACHE = 2;

/**
 * Parked runs need not stay in the worker's memory: with a cache far smaller than the number of
 * runs waiting for approval, each approval replays its run from history, and every run still ends
 * as its own decision says.
 */
describe('createWorker with WORKER_MAX_CACHED_WORKFLOWS below the parked runs', () => {
  let client: Client;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let closeConnection: () => Promise<void>;
  const taskQueue = `cache-${randomUUID()}`;
  // Approved runs wait at their push until every approval is in, so each approval is timed alone.
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));

  beforeAll(async () => {
    await testRuntime();
    const file = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as unknown;
    const config = loadConfig(file, {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_MAX_CACHED_WORKFLOWS: String(CACHE),
    });
    expect(config.worker.maxCachedWorkflows).toBe(CACHE);
    client = await createClient(config.temporal);
    const stubs = happyPath();
    const created = await createWorker({
      config,
      client,
      workflowBundle: { code: inject('workflowBundleCode') },
      // The outside systems answer as on the happy path; what is under test is the worker's cache.
      replaceActivities: {
        ...stubs,
        pushFixBranch: async (input) => {
          await gate;
          return stubs.pushFixBranch(input);
        },
      },
    });
    worker = created.worker;
    running = worker.run();
    closeConnection = () => created.connection.close();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await closeConnection?.();
    await client?.connection.close();
  });

  it(`${RUNS} runs parked on a cache of ${CACHE}: each approval is replayed and each run completes with its own decision`, async () => {
    const handles: WorkflowHandle[] = [];
    for (let i = 0; i < RUNS; i++) {
      const input: BugfixInput = {
        identity: { ...identity, fingerprint: `cache${i}`.padEnd(16, '0') },
        settings: stubSettings({ approvalTimeoutMs: 120_000, reminderIntervalMs: 120_000 }),
      };
      handles.push(
        await client.workflow.start('bugfixWorkflow', {
          taskQueue,
          workflowId: `cache-${randomUUID()}`,
          args: [input],
        }),
      );
    }
    for (const h of handles) await waitFor(h, (s) => s.stage === 'awaiting-approval' && s.slack !== undefined);

    // Oldest first: by now the first runs have long left the cache. A run not in the cache is a
    // miss: its history is fetched and replayed before the update applies. At most CACHE of the
    // runs can have been cached when their approval came.
    let replayed = 0;
    for (const [i, h] of handles.entries()) {
      const misses = await cacheMetric('temporal_sticky_cache_miss');
      const decided = await h.executeUpdate(decideUpdate, {
        args: [{ approved: true, userId: `U0APPROVER${i}`, userName: `approver-${i}`, via: 'slack' }],
      });
      if ((await cacheMetric('temporal_sticky_cache_miss')) > misses) replayed++;
      expect(decided.userName).toBe(`approver-${i}`);
      await waitFor(h, (s) => s.stage === 'opening-pr');
    }
    expect(replayed).toBeGreaterThanOrEqual(RUNS - CACHE);
    openGate();
    const results = await Promise.all(handles.map((h) => h.result() as Promise<RunStatus>));
    for (const [i, r] of results.entries()) {
      expect(r.stage).toBe('verified-fixed');
      expect(r.workflowId).toBe(handles[i]!.workflowId);
      expect(r.decision).toMatchObject({ approved: true, userName: `approver-${i}` });
      expect(r.pullRequest?.mergeCommitSha).toBeTruthy();
    }

    expect(await cacheMetric('temporal_sticky_cache_size')).toBeLessThanOrEqual(CACHE);
  });

  /** One of the worker's cache metrics (Temporal core's, on the test runtime's Prometheus endpoint). */
  async function cacheMetric(name: string): Promise<number> {
    const { metricsUrl } = await testRuntime();
    const text = await (await fetch(metricsUrl!)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`task_queue="${taskQueue}"`));
    return Number(line?.split(' ').at(-1) ?? 0);
  }

  async function waitFor(h: WorkflowHandle, done: (s: RunStatus) => boolean): Promise<RunStatus> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await h.query(statusQuery).catch(() => undefined);
      if (s && done(s)) return s;
      if (Date.now() > deadline) throw new Error(`${h.workflowId} did not get there; last stage ${s?.stage}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
