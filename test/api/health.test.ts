import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/create-app';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../infra/cli/run-cli';

describe('API against the real Temporal server', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p?.close());

  it('GET /healthz reports Temporal reachable', async () => {
    const res = await fetch(`${p.apiUrl}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; temporal: { reachable: boolean; namespace: string } };
    expect(body).toMatchObject({ status: 'ok', temporal: { reachable: true, namespace: 'default' } });
  });

  it('GET /healthz names the pollers of the task queues: the worker of this pipeline polls both', async () => {
    const queue = p.config.temporal.taskQueue;
    // The worker's first polls begin just after it starts.
    await eventually(async () => {
      const body = (await (await fetch(`${p.apiUrl}/healthz`)).json()) as {
        workers: Record<string, { pollers: number; lastSeen: string; lastPoller: string; message: string }>;
      };
      for (const q of [queue, `${queue}-claude`]) {
        expect(body.workers[q]).toMatchObject({ pollers: 1, lastPoller: expect.stringContaining(`${process.pid}@`) });
        expect(Date.now() - Date.parse(body.workers[q]!.lastSeen)).toBeLessThan(70_000);
        expect(body.workers[q]!.message).toMatch(new RegExp(`polled \`${q}\` within the last minute`));
      }
    }, 10_000);
  });

  it('POST /selftest runs a workflow on the worker and returns its result', async () => {
    const res = await fetch(`${p.apiUrl}/selftest`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workflowId: string; echoed: string; worker: string };
    expect(body.echoed).toBe('ping');
    expect(body.worker).toMatch(new RegExp(`:${process.pid}$`));
    const described = await p.client.workflow.getHandle(body.workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.taskQueue).toBe(p.config.temporal.taskQueue);
  });

  it('GET /healthz answers 503 when Temporal is unreachable', async () => {
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) });
    const server = createApp({ client, config: p.config }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: 'unavailable',
        temporal: { reachable: false, address: p.config.temporal.address },
      });
    } finally {
      server.close();
    }
  });

  it('unknown routes are a 404 with a code', async () => {
    const res = await fetch(`${p.apiUrl}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
