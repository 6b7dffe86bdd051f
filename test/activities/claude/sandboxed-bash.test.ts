import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeFix } from '../../../activities/claude/propose-fix';
import { protectedPathMatcher } from '../../../activities/git/protected-paths';
import { SERVICE_ROOT } from '../../../activities/sandbox/sandbox-policy';
import { requestText, startAnthropicFake, toolNames, type AnthropicFake } from '../../fakes/anthropic-fake';
import { createSampleCheckout, type SampleCheckout } from '../../fakes/scripted-fix';

/**
 * Claude's Bash, from inside: with CLAUDE_SANDBOX on it exists, and every command it runs is in
 * the sandbox. A scripted Bash call probes each boundary; the tool result the CLI sends back to
 * the model is what the command saw.
 */
let server: Server;
let serverUrl: string;
let outside: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  outside = await mkdtemp(path.join(tmpdir(), 'bash-outside-'));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(outside, { recursive: true, force: true });
});

const request = (canRun: boolean) => ({
  identity: {
    fingerprint: 'f',
    service: 'shop-api',
    errorType: 'TypeError',
    normalizedMessage: 'm',
    topFrames: [],
    language: 'node' as const,
  },
  message: 'TypeError: m',
  samples: [],
  previousRejections: [],
  repo: {},
  tests: { command: 'npm test', canRun },
});

async function session(
  sandbox: boolean,
  command: string,
): Promise<{ fake: AnthropicFake; checkout: SampleCheckout; seen: string }> {
  const fake = await startAnthropicFake([
    () => ({ type: 'tool_use', name: 'Bash', input: { command, description: 'probe' } }),
    () => 'done',
  ]);
  const checkout = await createSampleCheckout();
  await proposeFix(
    {
      anthropicBaseUrl: fake.url,
      anthropicApiKey: 'sk-ant-planted-key',
      maxTurns: 5,
      timeoutMs: 90_000,
      maxBudgetUsd: 5,
      maxConcurrent: 1,
      sandbox,
    },
    { isProtected: protectedPathMatcher(), maxDiffBytes: 100_000 },
    { dir: checkout.dir, baseCommit: checkout.baseCommit, request: request(true) },
    { serviceDirs: [outside], parentEnv: { ...process.env, GITHUB_TOKEN: 'ghp_planted_token' } },
  ).catch(() => undefined);
  const last = fake.turnRequests().at(-1);
  return { fake, checkout, seen: last ? requestText(last.body) : '' };
}

describe("Claude's Bash", () => {
  it('runs every command in the sandbox: no secrets, no service files, no writes outside, no network', async () => {
    const escaped = path.join(outside, 'escaped.txt');
    const varTmp = `/var/tmp/bugfix-escape-${process.pid}-${Date.now()}`;
    const shm = `/dev/shm/bugfix-escape-${process.pid}-${Date.now()}`;
    const { fake, checkout, seen } = await session(
      true,
      [
        'echo ENV-BEGIN; env; echo ENV-END',
        `cat ${SERVICE_ROOT}/package.json >/dev/null 2>&1 && echo SERVICE-READ || echo SERVICE-DENIED`,
        // Under a denied place a write lands in the sandbox's own empty cover, never in the real directory.
        `echo x > ${escaped} 2>/dev/null`,
        `echo x > ${varTmp} 2>/dev/null && echo WROTE-OUTSIDE || echo WRITE-DENIED`,
        // The sandbox's /dev is its own: a write to its /dev/shm is not the machine's.
        `echo x > ${shm} 2>/dev/null`,
        `echo x > inside.txt && echo WROTE-INSIDE`,
        `node -e "fetch('${serverUrl}').then(r=>r.text()).then(t=>console.log('NET', t), e=>console.log('NET-BLOCKED'))"`,
      ].join('; '),
    );
    try {
      expect(toolNames(fake.turnRequests()[0]!)).toContain('Bash');
      // The command ran (its markers came back), and each boundary held.
      expect(seen).toContain('ENV-END');
      const env = seen.slice(seen.lastIndexOf('ENV-BEGIN'), seen.lastIndexOf('ENV-END'));
      expect(env).toContain('SANDBOX_RUNTIME=1');
      expect(env).not.toContain('sk-ant-planted-key');
      // The CLI itself still authenticates: the key reaches the API, from a file the sandbox cannot read.
      expect(fake.turnRequests()[0]!.headers['x-api-key']).toBe('sk-ant-planted-key');
      expect(existsSync(`${checkout.dir}.key`)).toBe(false);
      expect(env).not.toContain('ghp_planted_token');
      expect(seen).toContain('SERVICE-DENIED');
      expect(seen).toContain('WRITE-DENIED');
      expect(existsSync(escaped)).toBe(false);
      expect(existsSync(varTmp)).toBe(false);
      expect(existsSync(shm)).toBe(false);
      expect(seen).toContain('WROTE-INSIDE');
      expect(seen).toContain('NET-BLOCKED');
      expect(seen).not.toContain('NET reached');
    } finally {
      await fake.close();
      await checkout.remove();
    }
  }, 120_000);

  it('does not exist without the sandbox', async () => {
    const { fake, checkout } = await session(false, 'echo hi');
    try {
      expect(toolNames(fake.turnRequests()[0]!)).not.toContain('Bash');
    } finally {
      await fake.close();
      await checkout.remove();
    }
  }, 120_000);
});
