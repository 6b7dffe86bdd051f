import { describe, expect, it } from 'vitest';
import { createDatadogLogsApi } from '../../../activities/datadog/client';
import { searchErrorLogs } from '../../../activities/datadog/search-error-logs';
import type { DatadogFake } from '../../fakes/datadog-fake';
import { datadogFakePerTest } from '../../support/datadog-per-test';

let fake: DatadogFake;
let service: string;
datadogFakePerTest('svc', (f, s) => {
  fake = f;
  service = s;
});

const api = () =>
  createDatadogLogsApi({ site: 'datadoghq.com', apiUrl: fake.url, apiKey: fake.apiKey, appKey: fake.appKey });
const from = '2024-05-01T10:00:00.000Z';
const to = '2024-05-01T11:00:00.000Z';
const at = (minute: number, second = 0) => new Date(Date.UTC(2024, 4, 1, 10, minute, second)).toISOString();

describe('searchErrorLogs against the Logs API fake', () => {
  it('follows meta.page.after across three pages and returns every event oldest first', async () => {
    for (let i = 0; i < 7; i++) fake.addLog({ service, message: `boom ${i}`, timestamp: at(10 + i) });
    const progress: { pages: number; events: number }[] = [];

    const result = await searchErrorLogs(
      api(),
      { query: `service:${service} status:error`, from, to, pageSize: 3 },
      { heartbeat: (p) => progress.push(p) },
    );

    expect(result.pages).toBe(3);
    expect(result.truncated).toBe(false);
    expect(result.events.map((e) => e.message)).toEqual([
      'boom 0',
      'boom 1',
      'boom 2',
      'boom 3',
      'boom 4',
      'boom 5',
      'boom 6',
    ]);
    expect(progress).toEqual([
      { pages: 1, events: 3 },
      { pages: 2, events: 6 },
      { pages: 3, events: 7 },
    ]);
    const bodies = fake.requests.map((r) => r.body);
    expect(fake.requests.every((r) => r.url === '/api/v2/logs/events/search' && r.method === 'POST')).toBe(true);
    expect(bodies[0]).toMatchObject({
      filter: { query: `service:${service} status:error`, from, to },
      sort: 'timestamp',
      page: { limit: 3 },
    });
    expect(bodies[0]?.page?.cursor).toBeUndefined();
    expect(bodies[1]?.page?.cursor).toEqual(expect.any(String));
    expect(bodies[2]?.page?.cursor).toEqual(expect.any(String));
    expect(bodies[2]?.page?.cursor).not.toBe(bodies[1]?.page?.cursor);
  });

  it('stops at maxEvents and reports the result as truncated', async () => {
    for (let i = 0; i < 5; i++) fake.addLog({ service, message: `e${i}`, timestamp: at(20, i) });

    const result = await searchErrorLogs(api(), { query: `service:${service}`, from, to, maxEvents: 4, pageSize: 3 });

    expect(result.events.map((e) => e.message)).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(result.truncated).toBe(true);
    // The second page asks only for what is still missing.
    expect(fake.requests.map((r) => r.body?.page?.limit)).toEqual([3, 1]);
  });

  it('returns only events inside the time window', async () => {
    fake.addLog({ service, message: 'before', timestamp: '2024-05-01T09:59:59.999Z' });
    fake.addLog({ service, message: 'first-inside', timestamp: from });
    fake.addLog({ service, message: 'inside', timestamp: at(30) });
    fake.addLog({ service, message: 'after', timestamp: '2024-05-01T11:00:00.001Z' });

    const result = await searchErrorLogs(api(), { query: `service:${service}`, from, to });

    expect(result.events.map((e) => e.message)).toEqual(['first-inside', 'inside']);
    expect(result.pages).toBe(1);
  });

  it('passes the query through: service, status, env tag and a quoted phrase all filter', async () => {
    fake.addLog({ service, message: 'NullReferenceException in Checkout', tags: ['env:prod'], timestamp: at(1) });
    fake.addLog({ service, message: 'NullReferenceException in Checkout', tags: ['env:staging'], timestamp: at(2) });
    fake.addLog({
      service,
      status: 'info',
      message: 'NullReferenceException in Checkout',
      tags: ['env:prod'],
      timestamp: at(3),
    });
    fake.addLog({ service, message: 'Timeout talking to payments', tags: ['env:prod'], timestamp: at(4) });

    const result = await searchErrorLogs(api(), {
      query: `service:${service} status:error env:prod "in checkout"`,
      from,
      to,
    });

    expect(result.events).toHaveLength(1);
    expect(result.events[0]?.timestamp).toBe(at(1));
  });

  it('extracts the error fields from nested attributes', async () => {
    const log = fake.addLog({
      service,
      message: 'Unhandled exception',
      timestamp: at(40),
      tags: ['env:prod', 'version:1.4.2', 'team:payments'],
      attributes: {
        error: {
          kind: 'System.NullReferenceException',
          message: 'Object reference not set',
          stack: 'at Checkout.Pay() in Checkout.cs:line 42',
        },
        http: { url: 'https://shop.example/checkout?id=7', method: 'POST' },
        usr: { id: 'user-123' },
        dd: { trace_id: '1234567890123456789', span_id: '42' },
      },
    });

    const { events } = await searchErrorLogs(api(), { query: `service:${service}`, from, to });

    expect(events).toEqual([
      {
        id: log.id,
        timestamp: at(40),
        message: 'Unhandled exception',
        service,
        env: 'prod',
        version: '1.4.2',
        errorKind: 'System.NullReferenceException',
        errorMessage: 'Object reference not set',
        stack: 'at Checkout.Pay() in Checkout.cs:line 42',
        url: 'https://shop.example/checkout?id=7',
        userId: 'user-123',
        traceId: '1234567890123456789',
      },
    ]);
  });

  it('extracts the error fields from dotted attribute keys and url_details', async () => {
    fake.addLog({
      service,
      message: '',
      timestamp: at(41),
      attributes: {
        'error.kind': 'TypeError',
        'error.message': "Cannot read properties of undefined (reading 'id')",
        'error.stack': 'TypeError: Cannot read ...\n    at handler (src/cart.ts:10:5)',
        http: { url_details: { scheme: 'https', host: 'shop.example', path: '/cart', queryString: { step: '2' } } },
        'usr.id': 99,
        trace_id: 'abc123',
        env: 'staging',
        'dd.version': '2.0.0',
      },
    });

    const { events } = await searchErrorLogs(api(), { query: `service:${service}`, from, to });

    expect(events[0]).toMatchObject({
      // An empty message falls back to the error message.
      message: "Cannot read properties of undefined (reading 'id')",
      errorKind: 'TypeError',
      stack: 'TypeError: Cannot read ...\n    at handler (src/cart.ts:10:5)',
      url: 'https://shop.example/cart?step=2',
      userId: '99',
      traceId: 'abc123',
      env: 'staging',
      version: '2.0.0',
    });
  });

  it('returns an empty result when nothing matches', async () => {
    const result = await searchErrorLogs(api(), { query: `service:${service}`, from, to });
    expect(result).toEqual({ events: [], pages: 1, truncated: false });
  });
});
