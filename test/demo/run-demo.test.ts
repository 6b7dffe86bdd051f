import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { repoRoot } from '../../infra/platform/config/read-config';
import { BUGGY_LINE, FIXED_LINE } from '../fakes/scripted-fix';
import { PORT_FIXED, PORT_LINE, SAMPLE_DEBT } from '../fakes/scripted-debt';

/** Runs `tsx test/demo/run-demo.ts --exit` as `npm run demo -- --exit` would, without a terminal. */
function runDemo(env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['test/demo/run-demo.ts', '--exit'], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`the demo did not finish within ${timeoutMs / 1000}s:\n${output}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('npm run demo', () => {
  it('narrates a run from the alert to the final state on the running Temporal server, then stops everything', async () => {
    const address = inject('temporalAddress');
    const { code, output } = await runDemo({ TEMPORAL_ADDRESS: address }, 520_000);
    expect(code, output).toBe(0);

    expect(output).toContain(`reusing the server already answering on ${address}`);
    expect(output).toMatch(/Webhook sent +.*HTTP 202/);
    const workflowId = /started workflow (demo-[\w-]+)/.exec(output)?.[1];
    expect(workflowId, output).toMatch(/^demo-\d{8}-\d{6}-shop-api-[0-9a-f]+$/);
    expect(output).toContain(`-${BUGGY_LINE}`);
    expect(output).toContain(`+${FIXED_LINE}`);
    expect(output).toContain('[ Approve ]  [ Reject ]');
    expect(output).toMatch(/Decision recorded +approved by demo-approver/);
    expect(output).toMatch(/final state: [\w-]+.*approved by demo-approver/);
    // Proof before approval in three languages, and a bug no offline test reproduces.
    expect(output).toMatch(/Proof: node-orders +Reproduced: `orderTotal skips a line whose product was deleted/);
    expect(output).toMatch(/Proof: python-billing +Reproduced: `test_credit_on_zero_invoice` fails on `[0-9a-f]{7}`/);
    expect(output).toMatch(/Proof: go-inventory +Reproduced: `TestReserveUnknownSKU`/);
    expect(output).toMatch(/Proof: node-payments-timeout +Not reproduced: the fix comes without a regression test/);
    // Triage and people: an escalated run, and a Jira-sourced one.
    expect(output).toMatch(
      /Escalated: a full disk +infrastructure · critical · 95 % · not fixable by code: escalated to <!subteam\^S0DEMOOWNERS>, no fix attempted/,
    );
    expect(output).toMatch(
      /Jira: a bug reported by support +SUP-1 started demo-[\w-]+; the issue is now "In Progress"/,
    );
    // Beyond one error: the weekly debt scan from its schedule, "Fix this" on an item up to its pull request.
    const prefix = /^demo-\d{8}-\d{6}/.exec(workflowId!)![0];
    expect(output).toMatch(
      new RegExp(
        `Technical debt: a weekly scan +2 items in the digest; "Fix this" on "${SAMPLE_DEBT.port.title}" → approved by demo-approver → pull request #2`,
      ),
    );
    expect(output).toMatch(
      new RegExp(
        `schedule ${prefix}-debt-scan-shop-api \\(0 9 \\* \\* 1, next [^)]+\\) triggered: run ${prefix}-debt-scan-shop-api-\\S+Z`,
      ),
    );
    expect(output).toContain(`│ # Technical debt in shop-api: 2 open items`);
    expect(output).toContain(`│ *2. ${SAMPLE_DEBT.cast.title}* _(new)_`);
    expect(output).toMatch(
      /│ @demo-approver started a fix run for \*Hard-coded listen port\* \(`src\/server\.ts:16`\)/,
    );
    expect(output).toContain(`-${PORT_LINE}`);
    expect(output).toContain(`+${PORT_FIXED}`);
    // The weekly report of the runs above: the verified fix, the escalation, and five stopped once shown;
    // the Fix-this run is counted apart.
    expect(output).toMatch(
      /Weekly report +7 runs in the last 7 days, 1 verified fixed, \$\d+\.\d\d spent: digest posted to #bugs/,
    );
    expect(output).toMatch(/│ \*Technical-debt fixes:\* 1 from the debt digest: 1 approved, 0 merged, 0 deployed, \$/);
    expect(output).toContain(`schedule ${prefix}-report-digest (0 9 * * 1, next `);
    expect(output).toContain('│ *Outcomes:* verified-fixed 1 · escalated 1 · ended 5');
    expect(output).toMatch(/│ · Open the report \(http:\/\/127\.0\.0\.1:\d+\/report\?since=7d\)/);
    const reportPage = /report page (http:\/\/127\.0\.0\.1:\d+\/report\?since=7d): HTTP 200, \d+ charts/.exec(
      output,
    )?.[1];
    expect(reportPage, output).toBeDefined();
    expect(output).toContain(`The report of the demo's runs (fixes, outcomes, cost, timings):\n  ${reportPage}`);
    // Beyond one error: a fix that causes a new error, rolled back automatically.
    expect(output).toMatch(
      /Rolled back: a fix that broke something else +reverted: RangeError ×3 after the deploy → revert #2 merged by bugfix-bot, [0-9a-f]{12} deployed, new errors stopped/,
    );
    expect(output).toContain('A fix is suggested and waits for approval in Slack.');
    const runUrl = new RegExp(`http://\\S+/namespaces/default/workflows/${workflowId}/[0-9a-f-]{36}/history`);
    expect(output).toMatch(runUrl);

    // The run really happened on the shared server, and completed.
    const connection = await Connection.connect({ address });
    try {
      const described = await new Client({ connection }).workflow.getHandle(workflowId!).describe();
      expect(described.status.name).toBe('COMPLETED');
      // The schedules the demo made are gone with it: they would fire weekly on task queues nobody polls.
      for (const id of [`${prefix}-debt-scan-shop-api`, `${prefix}-report-digest`])
        await expect(new Client({ connection }).schedule.getHandle(id).describe()).rejects.toBeInstanceOf(
          ScheduleNotFoundError,
        );
    } finally {
      await connection.close();
    }
    // With --exit nothing is left listening.
    const apiUrl = /API: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(apiUrl).toBeDefined();
    await expect(fetch(`${apiUrl}/healthz`)).rejects.toThrow();
  }, 530_000);

  it('names the stage that failed and exits non-zero', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const { code, output } = await runDemo({ TEMPORAL_ADDRESS: address }, 60_000);
    expect(code).toBe(1);
    expect(output).toContain(`Demo failed at stage "Temporal": No Temporal server answers on ${address}`);
  }, 70_000);
});
