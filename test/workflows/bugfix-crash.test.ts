import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, type E2E } from '../support/e2e';
import { killGroup, spawnWorker } from '../support/processes';

let e: E2E | undefined;
const workers: ChildProcess[] = [];
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) killGroup(w);
  await e?.close();
});

describe('a worker killed between the push and the pull request', () => {
  it('leaves exactly one branch and one pull request once another worker takes over', async () => {
    e = await startE2E({ worker: false });
    workers.push(await spawnWorker(e.pipeline.env));
    const { workflows } = (await (await e.sendAlert(alertPayload({ id: 'evt-crash' }))).json()) as {
      workflows: { workflowId: string }[];
    };
    const workflowId = workflows[0]!.workflowId;
    await e.waitFor(workflowId, (s) => s.slack !== undefined, 90_000);

    // GitHub is down when the PR is due: the branch gets pushed, the PR cannot be opened yet.
    e.github.failNext(3, 503);
    await e.click('approve', workflowId);
    const branches = async () => (await e!.git.branches('shop-api')).filter((b) => b.startsWith('bugfix/'));
    await expect.poll(branches, { timeout: 60_000 }).toHaveLength(1);
    await expect
      .poll(() => e!.github.requests.filter((r) => r.status === 503).length, { timeout: 30_000 })
      .toBeGreaterThan(0);

    killGroup(workers[0]!);
    workers.push(await spawnWorker(e.pipeline.env));
    const s = await e.waitForStage(workflowId, 'awaiting-merge', 120_000);

    expect(await branches()).toHaveLength(1);
    expect(e.github.pulls()).toHaveLength(1);
    expect(e.github.pulls()[0]!.head.ref).toBe(s.pullRequest!.branch);
    expect(e.git.requests.filter((r) => r.service === 'git-receive-pack' && r.method === 'POST')).toHaveLength(1);
    await e.pipeline.client.workflow.getHandle(workflowId).terminate('test over');
  }, 240_000);
});
