import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, type E2E } from '../../support/e2e';
import type { RunStatus } from '../../../workflows/domain/run-status';
import type { RunView } from '../../../infra/cli/run-status';
import { POLLING_WINDOW_MS, type WorkerPresence } from '../../../infra/platform/worker-presence';
import { claudeTaskQueue } from '../../../workflows/domain/task-queues';
import { cliEnv, runCli } from './run-cli';

type StatusJson = RunView & { timeline: { stage: string; at: string; durationMs: number }[] };
type Health = {
  status: string;
  temporal: { reachable: boolean };
  workers: Record<string, { pollers: number; lastSeen?: string; lastPoller?: string; message: string }>;
};

/**
 * The on-call report: workers stopped, `bugfix status` printed only "Failed to query Workflow".
 * A real run parks at awaiting-approval with its worker, the worker stops, and the CLI and /healthz
 * answer from what the Temporal server alone recorded.
 */
describe('no worker: bugfix status, list and /healthz from what the server recorded', () => {
  let e: E2E;
  let env: Record<string, string>;
  let id: string;
  let queue: string;
  /** The run's status as its worker last answered it. */
  let before: RunStatus;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    e = await startE2E({ env: { FIX_COOLDOWN: '1h' } });
    env = cliEnv(e);
    queue = e.pipeline.config.temporal.taskQueue;
    const res = await e.sendAlert(alertPayload({ id: 'evt-no-worker' }));
    id = ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!.workflowId;
    before = await e.waitFor(id, (s) => s.stage === 'awaiting-approval' && s.slack !== undefined, 90_000);
    await e.pipeline.stopWorker();
  }, 150_000);
  afterAll(async () => {
    await e?.pipeline.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
    await e?.close();
  });

  it('status exits 0 with the stage from the search attributes, the milestones from the memo, and why no worker answered', async () => {
    const started = Date.now();
    const r = await cli('status', id, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<StatusJson>();
    expect(out).toMatchObject({ workflowId: id, runId: before.runId, execution: 'RUNNING', source: 'server' });
    expect(out.status).toBeUndefined();
    expect(out.server).toMatchObject({
      stage: 'awaiting-approval',
      stageFrom: 'search attribute',
      service: before.identity.service,
      fingerprint: before.identity.fingerprint,
      errorType: before.identity.errorType,
      occurrences: before.occurrences,
      costUsd: before.fix!.costUsd,
    });
    // The memo's report row: the milestones the run reached, at the times its own timeline says.
    const suggested = before.timeline.find((t) => t.stage === 'awaiting-approval')!.at;
    expect(out.server!.milestones).toContainEqual({ milestone: 'suggested', at: suggested });
    expect(out.server!.milestones.map((m) => m.milestone)).toEqual(expect.arrayContaining(['alert', 'started']));
    // The history's stage changes are the timeline the worker reported, as the server recorded them
    // (when the workflow task completed: a little after the workflow's own clock read).
    expect(out.timeline.map((t) => t.stage)).toEqual(before.timeline.map((t) => t.stage));
    out.timeline.forEach((t, i) => {
      const lag = Date.parse(t.at) - Date.parse(before.timeline[i]!.at);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(2_000);
    });
    expect(out.server!.lastWorkflowTask?.worker).toBeTruthy();
    expect(out.server!.lastActivity).toMatchObject({ outcome: 'completed' });
    expect(out.server!.received.map((m) => m.name)).toContain('occurrences');
    // Why there is no status from the run itself: the last poller, and when it polled.
    expect(out.worker).toMatchObject({ taskQueue: queue, lastPoller: expect.any(String) });
    expect(Date.parse(out.worker!.lastSeen!)).toBeLessThanOrEqual(Date.now());
    expect(out.noAnswer).toMatch(/^No worker answered( within 5 s)?: /);
    expect(out.noAnswer).toContain(`\`${queue}\``);
    expect(out.noAnswer).toContain('`npm run worker`');
    // The query's deadline, not the SDK's: an answer within seconds.
    expect(Date.now() - started).toBeLessThan(25_000);

    const human = await cli('status', id);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^No worker answered/);
    expect(human.stdout).toMatch(/Stage:\s+awaiting-approval \(from the run's search attribute\)/);
    expect(human.stdout).toMatch(new RegExp(`Milestones:\\n(\\s+\\S+\\s+\\S+\\n)*\\s+suggested\\s+${suggested}`));
    expect(human.stdout).toMatch(/Last moved:\s+a worker \(.+\) completed a workflow task at .+ ago\)/);
    expect(human.stdout).toContain(`Web UI:`);

    // A decision no worker takes: the deadline (or the server's "no poller seen" once it says so), then what to do.
    const approve = await cli('approve', id, '--as', 'carol', '--timeout', '3s');
    expect(approve.code).toBe(1);
    expect(approve.stderr).toMatch(
      /^error: No worker (took the decision within 3 s: `bugfix status <workflowId>` says whether a worker polls|answered \(failed precondition: no poller seen .*\): `bugfix status <workflowId>` says since when none polls).* start a worker \(`npm start` or `npm run worker`\)/,
    );
  }, 90_000);

  it('once the stopped worker is past the polling window, status, list and /healthz say since when none polls', async () => {
    const last = async () => (await cli('status', id, '--json')).json<StatusJson>().worker!;
    const first = await last();
    // A live worker begins a poll at least every minute: only past that is it known to be gone.
    const wait = Date.parse(first.lastSeen!) + POLLING_WINDOW_MS + 1_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    const started = Date.now();
    const status = await cli('status', id);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `^No worker answered: no worker has polled \`${queue}\` since \\d+ s ago \\(last poller ${escape(first.lastPoller!)}\\)\\.`,
      ),
    );
    expect(status.stdout).toMatch(/Stage:\s+awaiting-approval/);
    // Nobody polls: no query is waited on.
    expect(Date.now() - started).toBeLessThan(15_000);

    // Nobody to take a decision: refused before it is sent.
    const approve = await cli('approve', id, '--as', 'carol');
    expect(approve.code).toBe(1);
    expect(approve.stderr).toMatch(
      new RegExp(
        `^error: No worker to take the decision: no worker has polled \`${queue}\` since \\d+ s ago .*Nothing was recorded`,
      ),
    );

    // The same from Slack: the approver's click is answered in the channel, not left hanging.
    const clicked = Date.now();
    expect((await e.click('approve', id)).status).toBe(200);
    await expect.poll(() => e.slack.responses(`${id}-U0APPROVER`).length, { timeout: 10_000 }).toBe(1);
    expect(Date.now() - clicked).toBeLessThan(10_000);
    expect(e.slack.responses(`${id}-U0APPROVER`)[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(
        new RegExp(
          `^Nothing was recorded: no worker is running the pipeline \\(no worker has polled \`${queue}\` since \\d+ s ago .*\`npm run worker\``,
        ),
      ),
    });

    const list = await cli('list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+awaiting-approval\\s+shop-api`));
    expect(list.stdout).toMatch(new RegExp(`Warning: no worker has polled \`${queue}\` since \\d+ s ago`));
    const listed = (await cli('list', '--json')).json<{ worker: WorkerPresence }>();
    expect(listed.worker).toMatchObject({ taskQueue: queue, pollers: 0, lastSeen: first.lastSeen });

    const res = await fetch(`${e.pipeline.apiUrl}/healthz`);
    expect(res.status).toBe(200);
    const health = (await res.json()) as Health;
    expect(health).toMatchObject({ status: 'ok', temporal: { reachable: true } });
    expect(health.workers[queue]).toMatchObject({
      pollers: 0,
      lastSeen: first.lastSeen,
      lastPoller: first.lastPoller,
      message: expect.stringMatching(new RegExp(`^no worker has polled \`${queue}\` since \\d+ s ago`)),
    });
    expect(health.workers[claudeTaskQueue(queue)]).toMatchObject({ pollers: 0 });
  }, 150_000);

  it('a namespace that does not exist is named, with how to pick one', async () => {
    const r = await runCli(['list'], { ...env, TEMPORAL_NAMESPACE: 'no-such-namespace' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/namespace "no-such-namespace" does not exist on Temporal at .+: set TEMPORAL_NAMESPACE/);
  }, 60_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
