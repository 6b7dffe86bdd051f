import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { repoRoot } from '../../infra/platform/config/read-config';
import { BUGGY_LINE, FIXED_LINE } from '../fakes/scripted-fix';

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
    const { code, output } = await runDemo({ TEMPORAL_ADDRESS: address }, 400_000);
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
    expect(output).toContain('A fix is suggested and waits for approval in Slack.');
    const runUrl = new RegExp(`http://\\S+/namespaces/default/workflows/${workflowId}/[0-9a-f-]{36}/history`);
    expect(output).toMatch(runUrl);

    // The run really happened on the shared server, and completed.
    const connection = await Connection.connect({ address });
    try {
      const described = await new Client({ connection }).workflow.getHandle(workflowId!).describe();
      expect(described.status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }
    // With --exit nothing is left listening.
    const apiUrl = /API: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(apiUrl).toBeDefined();
    await expect(fetch(`${apiUrl}/healthz`)).rejects.toThrow();
  }, 410_000);

  it('names the stage that failed and exits non-zero', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const { code, output } = await runDemo({ TEMPORAL_ADDRESS: address }, 60_000);
    expect(code).toBe(1);
    expect(output).toContain(`Demo failed at stage "Temporal": No Temporal server answers on ${address}`);
  }, 70_000);
});
