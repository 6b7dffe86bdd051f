import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { PipelineActivities } from '../../activities';
import type { BugfixInput, RunSettings, RunStatus } from '../../workflows/domain/run-status';
import type { ErrorIdentity, Occurrence } from '../../workflows/domain/types';
import { claudeTaskQueue } from '../../workflows/domain/task-queues';
import { testRuntime } from './pipeline';

/** Every activity of the pipeline, replaced by a plain function of the test. */
export type StubActivities = {
  [K in keyof PipelineActivities]: (
    ...args: Parameters<PipelineActivities[K]>
  ) => Promise<Awaited<ReturnType<PipelineActivities[K]>>>;
};

export interface StubCall {
  name: string;
  input: unknown;
}

export const identity: ErrorIdentity = {
  fingerprint: '0123456789abcdef',
  service: 'shop-api',
  errorType: 'TypeError',
  normalizedMessage: "Cannot read properties of undefined (reading 'address')",
  topFrames: ['src/cart.ts:shippingLabel'],
  language: 'node',
};

/** Durations of milliseconds: the dev server has no time skipping, so the run's settings are short. */
export function stubSettings(over: Partial<RunSettings> = {}): RunSettings {
  return {
    approvalTimeoutMs: 60_000,
    reminderIntervalMs: 60_000,
    claudeTimeoutMs: 10_000,
    temporalUiUrl: 'http://127.0.0.1:8233',
    namespace: 'default',
    applyMode: 'direct',
    baseBranch: 'main',
    deployEnvironment: 'production',
    prWaitTimeoutMs: 10_000,
    deployTimeoutMs: 10_000,
    verifyWindowMs: 200,
    pollIntervalMs: 50,
    maxPollIntervalMs: 200,
    protectedPaths: 'refuse',
    budget: { dailyUsd: 100, serviceDailyUsd: 25, cooldownMs: 60_000 },
    ...over,
  };
}

const diff =
  "--- a/src/cart.ts\n+++ b/src/cart.ts\n@@ -1 +1 @@\n-  const city = user.profile.address.city;\n+  const city = user.profile?.address?.city ?? 'unknown';\n";

/** Answers that take a run from alert to verified fix in direct mode; tests replace what they exercise. */
export function happyPath(): StubActivities {
  let merged = false;
  return {
    echo: async (note) => ({ echoed: note, worker: 'stub' }),
    fetchOccurrenceLogs: async (input) => ({
      occurrences: [],
      report: { query: input.query, from: '', to: '', scanned: 0, matched: 0, discarded: {}, truncated: false },
    }),
    // The fix took: fewer errors since the deploy, and nothing new.
    measureFixImpact: async (input) => ({
      errorRate: { before: 1, after: 0, unit: 'per-minute' },
      series: { errorRate: [] },
      queries: { errorRate: `sum:trace.http.request.errors{service:${input.service}}.as_count()` },
      from: new Date(Date.parse(input.deployedAt) - input.beforeMs).toISOString(),
      to: input.to,
    }),
    findNewErrors: async (input) => ({
      newErrors: [],
      query: `service:${input.service} status:error`,
      scanned: { before: 0, after: 0 },
      omitted: 0,
      truncated: false,
    }),
    pastRejections: async () => [],
    classifyError: async () => ({
      category: 'code-defect',
      severity: 'medium',
      fixableByCode: true,
      confidence: 0.9,
      rationale: 'A missing guard.',
      examplesUsed: 0,
      costUsd: 0.001,
    }),
    recordTriageExample: async () => undefined,
    updateJiraIssue: async () => ({}),
    openEscalationIssue: async () => undefined,
    escalationPolicy: async () => ({ configured: false, owners: [], codeowners: false, ladder: [] }),
    codeOwners: async () => ({ owners: [], slack: [] }),
    triggerPagerDutyIncident: async (input) => ({ dedupKey: input.dedupKey }),
    resolvePagerDutyIncident: async (input) => ({ dedupKey: input.dedupKey }),
    findRelatedRun: async () => undefined,
    joinRelatedRun: async () => undefined,
    previousAttempt: async () => undefined,
    claudeSpend: async () => ({ totalUsd: 0, serviceUsd: 0, runs: 0 }),
    postReportDigest: async () => ({ channel: 'C0BUGS', ts: '1700000000.000900', runs: 0, verified: 0, costUsd: 0 }),
    cloneRepository: async () => ({
      dir: '/nonexistent',
      commit: 'c0ffee0000000000000000000000000000000000',
      fromCache: false,
    }),
    proposeFix: async (input) => ({
      explanation: 'Guard the missing address.',
      diff,
      filesTouched: ['src/cart.ts'],
      turns: 3,
      costUsd: 0.02,
      sessionId: 'session-1',
      baseCommit: input.baseCommit,
    }),
    runRegressionTests: async () => ({
      verdict: 'reproduced',
      reason: 'the new test fails with the production error and passes with the fix',
      command: 'npm test',
      commit: 'c0ffee0000000000000000000000000000000000',
      testFiles: ['test/cart.test.ts'],
      regressionTests: ['guest checkout'],
      newFailures: [],
      baseline: { passed: 3, failed: 0, exitCode: 0, timedOut: false, durationMs: 10, failing: [] },
      withFix: { passed: 4, failed: 0, exitCode: 0, timedOut: false, durationMs: 10, failing: [] },
      totalMs: 30,
    }),
    postSuggestion: async () => ({ channel: 'C0BUGS', ts: '1700000000.000100' }),
    updateSuggestion: async () => undefined,
    replyInThread: async (input) => ({ channel: input.ref.channel, ts: `${Date.now()}.000200` }),
    threadReplies: async () => [],
    pushFixBranch: async (input) => ({
      branch: input.branch,
      commit: 'f1x0000000000000000000000000000000000000',
      baseCommit: 'c0ffee0000000000000000000000000000000000',
      alreadyPushed: false,
    }),
    pushRevertBranch: async (input) => ({
      branch: input.branch,
      commit: 'aaaa000000000000000000000000000000000000',
      baseCommit: 'f1x0000000000000000000000000000000000000',
      alreadyPushed: false,
    }),
    openPullRequest: async (input) => ({ ...pull(input.head.includes('revert') ? 8 : 7, input.head), created: true }),
    findPullRequest: async () => undefined,
    comparePullRequest: async () => ({ differences: [], protectedFiles: [] }),
    getPullRequest: async (input) => {
      // Open at the first look, merged at the next.
      const state = merged
        ? {
            state: 'closed' as const,
            merged: true,
            mergedAt: new Date().toISOString(),
            mergedBy: 'carol',
            mergeCommitSha: 'merge00000000000000000000000000000000000',
          }
        : {};
      merged = true;
      return { ...pull(input.number, 'bugfix/x'), ...state };
    },
    listReviews: async () => [],
    findDeployment: async (input) => ({
      id: 1,
      sha: input.sha,
      environment: 'production',
      state: 'success',
      at: new Date().toISOString(),
    }),
    mergePullRequest: async () => ({ mergeCommitSha: 'revert0000000000000000000000000000000000' }),
    createDeployment: async (input) => ({ id: 2, sha: input.sha }),
    getDeployment: async (input) => ({
      id: input.id,
      sha: 'c0ffee0000000000000000000000000000000000',
      environment: 'production',
      state: 'success',
      at: new Date().toISOString(),
    }),
    launchFixAgent: async () => ({ id: 'agent-1', status: 'CREATING', created: true }),
    getAgent: async (input) => ({ id: input.id, status: 'FINISHED', prUrl: 'https://github.com/acme/shop-api/pull/7' }),
    stopAgent: async (input) => ({ id: input.id, status: 'STOPPED' }),
    // The debt scans' activities: not part of a bugfix run.
    findDebt: async () => ({ items: [], costUsd: 0, turns: 0, commit: 'c0ffee0000000000000000000000000000000000' }),
    previousDebtScan: async () => undefined,
    debtErrorRuns: async () => ({}),
    postDebtDigest: async () => ({ channel: 'C0BUGS', ts: '1700000000.000900' }),
  };
}

function pull(number: number, head: string) {
  return {
    number,
    url: `https://github.com/acme/shop-api/pull/${number}`,
    state: 'open' as const,
    merged: false,
    headRef: head,
    headSha: 'f1x0000000000000000000000000000000000000',
    baseRef: 'main',
    author: 'bugfix-bot',
    createdAt: new Date().toISOString(),
  };
}

export interface StubRun {
  client: Client;
  /** Every activity call, in order. */
  calls: StubCall[];
  start(settings?: Partial<RunSettings>, occurrences?: Occurrence[]): Promise<WorkflowHandle>;
  /** Waits until the run's status satisfies `predicate`. */
  waitFor(handle: WorkflowHandle, predicate: (s: RunStatus) => boolean, timeoutMs?: number): Promise<RunStatus>;
  close(): Promise<void>;
}

/** The real workflow on the real dev server, with a worker whose activities are the test's stubs. */
export async function startStubRun(stubs: Partial<StubActivities> = {}): Promise<StubRun> {
  await testRuntime();
  const address = inject('temporalAddress');
  const taskQueue = `stub-${randomUUID()}`;
  const calls: StubCall[] = [];
  const all = { ...happyPath(), ...stubs };
  const activities = Object.fromEntries(
    Object.entries(all).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        calls.push({ name, input });
        return (fn as (i: unknown) => Promise<unknown>)(input);
      },
    ]),
  );
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    activities,
  });
  // Claude Code sessions have a queue of their own, as in the real worker.
  const claudeWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: claudeTaskQueue(taskQueue),
    activities,
  });
  const running = Promise.all([worker.run(), claudeWorker.run()]);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  return {
    client,
    calls,
    async start(settings = {}, occurrences = []) {
      const input: BugfixInput = { identity, settings: stubSettings(settings) };
      const handle = await client.workflow.start('bugfixWorkflow', {
        taskQueue,
        workflowId: `stub-${randomUUID()}`,
        args: [input],
      });
      if (occurrences.length) await handle.signal('occurrences', { deliveryId: 'evt-1', occurrences });
      return handle;
    },
    async waitFor(handle, predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: RunStatus | undefined;
      for (;;) {
        last = await handle.query<RunStatus>('status').catch(() => last);
        if (last && predicate(last)) return last;
        if (Date.now() > deadline) throw new Error(`timed out; last stage ${last?.stage ?? 'none'}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      worker.shutdown();
      claudeWorker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}
