import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../support/local';
import { startStalledTemporal } from '../../fakes/stalled-temporal';
import { runCli } from './run-cli';

/**
 * A CLI that cannot get an answer says why and what to do, within seconds: nothing listening (a
 * closed port), or a server that accepts connections and never answers (stuck). No Temporal here.
 */
describe('bugfix CLI against a Temporal it cannot use', () => {
  let stuck: net.Server;
  let stuckAddress: string;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    // Accepts TCP connections and never says a word: no HTTP/2 settings, no gRPC.
    stuck = net.createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(stuck, 'listening');
    stuckAddress = `127.0.0.1:${(stuck.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => stuck?.close(r));
  });

  it('a closed port fails at once, naming the cause and the next step', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const r = await runCli(['status', 'bugfix-shop-api-0123456789abcdef'], { TEMPORAL_ADDRESS: address });
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `error: cannot reach Temporal at ${address} (connection refused): is the server running? check that the server at TEMPORAL_ADDRESS is up and the address is right (unset it to use the embedded dev server)`,
    );
    // The CLI's own start (tsx) is most of it: the refusal itself is not waited on.
    expect(elapsed).toBeLessThan(10_000);

    const json = await runCli(['list', '--json'], { TEMPORAL_ADDRESS: address });
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({
      error: expect.stringMatching(/^cannot reach Temporal at .+ \(connection refused\)/),
      exitCode: 1,
      cause: 'connection refused',
      address,
    });
  }, 30_000);

  it('a server that never answers gets an answer within the timeout (BUGFIX_CLI_TIMEOUT, or --timeout)', async () => {
    let started = Date.now();
    const r = await runCli(['status', 'bugfix-shop-api-0123456789abcdef'], {
      TEMPORAL_ADDRESS: stuckAddress,
      BUGFIX_CLI_TIMEOUT: '2s',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: cannot reach Temporal at ${stuckAddress} \\(it accepted the connection but gave no gRPC answer within 2 s\\): a stuck or overloaded server, .*allow longer with --timeout or BUGFIX_CLI_TIMEOUT\\n$`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(2_000 + 10_000);

    started = Date.now();
    const opt = await runCli(['list', '--timeout', '1s'], { TEMPORAL_ADDRESS: stuckAddress });
    expect(opt.code).toBe(1);
    expect(opt.stderr).toContain('gave no gRPC answer within 1 s');
    expect(Date.now() - started).toBeLessThan(1_000 + 10_000);
  }, 60_000);

  it('a server that connects, then stalls on a call, gets an answer within the timeout too', async () => {
    const stalled = await startStalledTemporal();
    try {
      const started = Date.now();
      const r = await runCli(['list', '--timeout', '2s'], { TEMPORAL_ADDRESS: stalled.address });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^error: Temporal at ${stalled.address} gave no answer within 2 s \\((deadline exceeded|cancelled)[^)]*\\): the server may be overloaded or stuck; .*allow longer with --timeout or BUGFIX_CLI_TIMEOUT\\n$`,
        ),
      );
      expect(stalled.calls).toEqual(expect.arrayContaining(['GetSystemInfo', 'ListWorkflowExecutions']));
      expect(Date.now() - started).toBeLessThan(2_000 + 10_000);
    } finally {
      await stalled.close();
    }
  }, 30_000);

  it('a bad timeout is a usage error that names the variable', async () => {
    const r = await runCli(['list'], { TEMPORAL_ADDRESS: stuckAddress, BUGFIX_CLI_TIMEOUT: 'soon' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('BUGFIX_CLI_TIMEOUT="soon": expected a duration such as 30s, 15m, 24h');
    const opt = await runCli(['list', '--timeout', 'soon'], { TEMPORAL_ADDRESS: stuckAddress });
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("option '--timeout <duration>' argument 'soon' is invalid");
  }, 30_000);
});
