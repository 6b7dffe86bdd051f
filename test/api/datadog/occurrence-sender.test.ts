import net from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type WorkflowClientInterceptor,
} from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createApp } from '../../../api/create-app';
import { startE2E, alertPayload, closeTerminatingRuns, WEBHOOK_TOKEN, type E2E } from '../../support/e2e';

interface Accepted {
  workflows: { workflowId: string; runId: string; occurrences: number }[];
}

/** One error per name: the name is in the message, so each makes its own run. */
const errorNamed = (name: string) =>
  `Error: ledger ${name} rejected the entry\n    at post${name} (/app/src/ledger/${name}.ts:12:7)`;

/** The ingress (createApp, as api/main.ts builds it) on its own client: a proxy, an interceptor. */
async function startIngress(e: E2E, client: Client): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({ client, config: e.pipeline.config, log: () => undefined });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await client.connection.close().catch(() => undefined);
    },
  };
}

const post = (url: string, payload: object) =>
  fetch(`${url}/webhooks/datadog`, {
    method: 'POST',
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
  });

/** A TCP relay to the real Temporal server that can be shut, as if the server went away. */
async function relayToTemporal(): Promise<{ address: string; shut(): Promise<void> }> {
  const [host, port] = inject('temporalAddress').split(':');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(port), host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: relayPort } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${relayPort}`,
    async shut() {
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe('POST /webhooks/datadog: concurrent deliveries of one error share a signal-with-start', () => {
  let e: E2E;
  beforeAll(async () => {
    // Logs answer slowly, so every run is still collecting while the deliveries arrive.
    e = await startE2E({ datadog: { latencyMs: 20_000 } });
  });
  afterAll(() => closeTerminatingRuns(e));

  const signalsIn = async (workflowId: string) =>
    (await e.pipeline.client.workflow.getHandle(workflowId).fetchHistory()).events!.filter(
      (ev) => ev.workflowExecutionSignaledEventAttributes,
    ).length;

  it('N concurrent deliveries of one error make one run with exactly N occurrences, in fewer signals than deliveries', async () => {
    const n = 60;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        e.sendAlert(alertPayload({ id: `evt-burst-${i}`, message: errorNamed('Burst') })),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(n).fill(202));
    const accepted = (await Promise.all(answers.map((r) => r.json()))) as Accepted[];
    const ids = new Set(accepted.flatMap((a) => a.workflows.map((w) => w.workflowId)));
    expect(ids.size).toBe(1);
    const [id] = ids;
    // One run: every answer names the same execution.
    expect(new Set(accepted.map((a) => a.workflows[0]!.runId)).size).toBe(1);
    const status = await e.waitFor(id!, (s) => s.occurrences >= n, 30_000);
    expect(status.occurrences).toBe(n);
    const history = await e.pipeline.client.workflow.getHandle(id!).fetchHistory();
    const signals = history.events!.flatMap((ev) => ev.workflowExecutionSignaledEventAttributes?.signalName ?? []);
    expect(signals.length).toBeLessThan(n);
    expect(signals).toContain('occurrenceBatches');
    // The batched signal replays like any other (its handler issues no commands).
    await Worker.runReplayHistory({ workflowBundle: { code: inject('workflowBundleCode') } }, history, id);
  }, 60_000);

  it('a redelivered $ID counts once, whether it arrives in the same burst or later', async () => {
    // 30 distinct deliveries, each sent twice at once (so some pairs share a coalesced signal), then all again.
    const payloads = Array.from({ length: 30 }, (_, i) =>
      alertPayload({ id: `evt-again-${i}`, message: errorNamed('Again') }),
    );
    const first = await Promise.all([...payloads, ...payloads].map((p) => e.sendAlert(p)));
    expect(first.map((r) => r.status)).toEqual(Array(60).fill(202));
    const { workflows } = (await first[0]!.json()) as Accepted;
    const id = workflows[0]!.workflowId;
    const again = await Promise.all(payloads.map((p) => e.sendAlert(p)));
    expect(again.map((r) => r.status)).toEqual(Array(30).fill(202));
    await e.waitFor(id, (s) => s.occurrences >= 30, 30_000);
    // Every signal is in by now (each answer waited for its own); the count stays exact.
    expect((await e.status(id)).occurrences).toBe(30);
  }, 60_000);

  it('acknowledges none of the coalesced deliveries when Temporal refuses the signal: 503 temporal_unavailable, nothing counted', async () => {
    const relay = await relayToTemporal();
    // Two attempts, not ten: the test need not wait out the client's whole retry schedule.
    const connection = await Connection.connect({
      address: relay.address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }))],
    });
    let calls = 0;
    const counting: WorkflowClientInterceptor = {
      signalWithStart: (input, next) => {
        calls++;
        return next(input);
      },
    };
    const ingress = await startIngress(
      e,
      new Client({
        connection,
        namespace: e.pipeline.config.temporal.namespace,
        interceptors: { workflow: [counting] },
      }),
    );
    try {
      // A first delivery while the server answers starts the run (and the old-identity look-up is remembered).
      const ok = await post(ingress.url, alertPayload({ id: 'evt-refused-0', message: errorNamed('Refused') }));
      expect(ok.status).toBe(202);
      const id = ((await ok.json()) as Accepted).workflows[0]!.workflowId;

      await relay.shut();
      calls = 0;
      const refused = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(ingress.url, alertPayload({ id: `evt-refused-${i + 1}`, message: errorNamed('Refused') })),
        ),
      );
      expect(refused.map((r) => r.status)).toEqual(Array(12).fill(503));
      // They went in shared calls (the first alone, the rest queued behind it), and each failed call failed them all.
      expect(calls).toBeLessThan(12);
      for (const r of refused) {
        expect(r.headers.get('retry-after')).toBe('5');
        expect(await r.json()).toMatchObject({ error: { code: 'temporal_unavailable' } });
      }
      // Only the acknowledged delivery is in the run.
      const status = await e.waitFor(id, (s) => s.occurrences >= 1, 30_000);
      expect(status.occurrences).toBe(1);
      expect(await signalsIn(id)).toBe(1);
    } finally {
      await ingress.close();
    }
  }, 90_000);

  it('a slow call for one error holds back only that error: other errors are answered meanwhile', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held: string[] = [];
    // Temporal is slow for the "Held" error only (its signal-with-start waits until released).
    const slowForHeld: WorkflowClientInterceptor = {
      async signalWithStart(input, next) {
        if (JSON.stringify(input.signalArgs).includes('ledger Held')) {
          held.push(input.options.workflowId);
          await released;
        }
        return next(input);
      },
    };
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({
      connection,
      namespace: e.pipeline.config.temporal.namespace,
      interceptors: { workflow: [slowForHeld] },
    });
    const ingress = await startIngress(e, client);
    try {
      let heldAnswered = 0;
      const heldAnswers = Array.from({ length: 5 }, (_, i) =>
        post(ingress.url, alertPayload({ id: `evt-held-${i}`, message: errorNamed('Held') })).then((r) => {
          heldAnswered++;
          return r;
        }),
      );
      await expect.poll(() => held.length).toBe(1);
      // Other errors, while the held one's call is in flight: all answered, and counted.
      const others = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          post(ingress.url, alertPayload({ id: `evt-free-${i}`, message: errorNamed(i % 2 ? 'FreeOdd' : 'FreeEven') })),
        ),
      );
      expect(others.map((r) => r.status)).toEqual(Array(10).fill(202));
      expect(heldAnswered).toBe(0);

      release();
      const answers = await Promise.all(heldAnswers);
      expect(answers.map((r) => r.status)).toEqual(Array(5).fill(202));
      // The four that queued behind the held call went together: two calls for five deliveries.
      expect(held.length).toBe(2);
      const id = ((await answers[0]!.json()) as Accepted).workflows[0]!.workflowId;
      expect((await e.waitFor(id, (s) => s.occurrences >= 5, 30_000)).occurrences).toBe(5);
    } finally {
      release();
      await ingress.close();
    }
  }, 60_000);
});
