import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, closeTerminatingRuns, type E2E } from '../../support/e2e';
import type { RunStatus } from '../../../workflows/domain/run-status';

interface Accepted {
  deliveryId: string;
  recorded?: boolean;
  workflows: { workflowId: string; fingerprint: string; occurrences: number }[];
}

/** Distinct production errors: same service, different bugs. */
const errorsOf = (i: number) =>
  [
    `TypeError: Cannot read properties of undefined (reading 'address')\n    at shippingLabel (/app/src/cart.ts:14:29)`,
    `RangeError: Invalid time value\n    at formatDate (/app/src/dates.ts:8:11)`,
    `Error: connect ECONNREFUSED 10.0.0.${i % 250}:5432\n    at TCPConnectWrap.afterConnect (node:net:1555:16)\n    at query (/app/src/db.ts:31:9)`,
    `SyntaxError: Unexpected token '<' in JSON at position ${i}\n    at parseBody (/app/src/http.ts:22:15)`,
    `Error: order ${1000 + i} not found\n    at loadOrder (/app/src/orders.ts:40:13)`,
  ][i % 5]!;

describe('POST /webhooks/datadog', () => {
  let e: E2E;
  beforeAll(async () => {
    // Logs answer slowly, so every run is still collecting while the deliveries arrive.
    e = await startE2E({ datadog: { latencyMs: 20_000 } });
  });
  afterAll(() => closeTerminatingRuns(e));

  it('refuses a wrong or missing token with 401 and starts nothing', async () => {
    const wrong = await e.sendAlert(alertPayload({ id: 'evt-auth' }), 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const missing = await fetch(`${e.pipeline.apiUrl}/webhooks/datadog`, {
      method: 'POST',
      body: JSON.stringify(alertPayload({ id: 'evt-auth' })),
      headers: { 'content-type': 'application/json' },
    });
    expect(missing.status).toBe(401);
    const count = await e.pipeline.client.workflow.count(`TaskQueue = "${e.pipeline.config.temporal.taskQueue}"`);
    expect(count.count).toBe(0);
  });

  it('answers 400 naming the field for malformed payloads', async () => {
    const post = (body: string) =>
      fetch(`${e.pipeline.apiUrl}/webhooks/datadog`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', authorization: 'Bearer dd-webhook-token-for-tests' },
      });
    const notJson = await post('{"id": ');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'malformed_json' } });
    const { id: _id, ...noId } = alertPayload({ id: 'x' }) as Record<string, unknown>;
    const missingId = await post(JSON.stringify(noId));
    expect(missingId.status).toBe(400);
    expect(await missingId.json()).toMatchObject({ error: { code: 'invalid_payload', field: 'id' } });
    const badSample = await post(JSON.stringify({ ...alertPayload({ id: 'y' }), logs_sample: { rows: 'nope' } }));
    expect(await badSample.json()).toMatchObject({ error: { field: 'logs_sample.rows' } });
    // Nesting is refused before parsing builds it (a linear scan), brackets inside strings do not count.
    const deep = await post(`{"id":"d","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ error: { code: 'too_deep' } });
    const bracketsInText = await post(
      JSON.stringify({ ...alertPayload({ id: 'w', transition: 'Recovered' }), body: '['.repeat(10_000) }),
    );
    expect(bracketsInText.status).toBe(202);
    const tooBig = await post(JSON.stringify({ ...alertPayload({ id: 'z' }), body: 'x'.repeat(2_000_000) }));
    expect(tooBig.status).toBe(413);
  });

  it('records a recovery without starting a fix run', async () => {
    const res = await e.sendAlert(alertPayload({ id: 'evt-recovered', transition: 'Recovered' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ recorded: true, transition: 'Recovered', workflows: [] });
  });

  it('a storm of 500 deliveries over 5 unique errors makes exactly 5 runs with exact counts; a redelivery counts once', async () => {
    const deliveries = Array.from({ length: 500 }, (_, i) =>
      alertPayload({ id: `evt-storm-${i}`, message: errorsOf(i) }),
    );
    const started = Date.now();
    const answers: Accepted[] = [];
    for (let i = 0; i < deliveries.length; i += 50) {
      const batch = await Promise.all(deliveries.slice(i, i + 50).map((d) => e.sendAlert(d)));
      for (const r of batch) {
        expect(r.status).toBe(202);
        answers.push((await r.json()) as Accepted);
      }
    }
    const elapsed = Date.now() - started;
    // Datadog retries a delivery it thinks failed: the same $ID again.
    expect((await e.sendAlert(deliveries[0]!)).status).toBe(202);

    const ids = new Set(answers.flatMap((a) => a.workflows.map((w) => w.workflowId)));
    expect(ids.size).toBe(5);
    for (const id of ids) {
      const s = await e.waitFor(id, (st: RunStatus) => st.occurrences >= 100, 30_000);
      expect(s.occurrences).toBe(100);
    }
    const { count } = await e.pipeline.client.workflow.count(
      `TaskQueue = "${e.pipeline.config.temporal.taskQueue}" AND WorkflowId STARTS_WITH "${e.pipeline.config.temporal.workflowIdPrefix}-"`,
    );
    expect(count).toBe(5);
    console.log(`storm: 500 deliveries accepted in ${elapsed} ms (${Math.round(500 / (elapsed / 1000))}/s)`);
  }, 120_000);
});
