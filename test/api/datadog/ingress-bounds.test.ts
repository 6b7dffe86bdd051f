import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertPayload, closeTerminatingRuns, startE2E, type E2E } from '../../support/e2e';
import { logsSample } from '../../fakes/datadog-shapes';

interface Accepted {
  workflows: { workflowId: string; occurrences: number }[];
  skipped?: { rows: number; errors: number; occurrences: number };
}

describe('POST /webhooks/datadog: bounds on what one delivery can do', () => {
  let e: E2E;
  beforeAll(async () => {
    // Logs answer slowly, so the runs stay parked in their first step.
    e = await startE2E({ datadog: { latencyMs: 20_000 }, env: { INGRESS_MAX_ROWS: '30', INGRESS_MAX_ERRORS: '4' } });
  });
  afterAll(() => closeTerminatingRuns(e));

  it('authenticates before reading the body: a wrong token gets 401 whatever the body is', async () => {
    const url = `${e.pipeline.apiUrl}/webhooks/datadog`;
    const post = (body: string) =>
      fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      });
    for (const body of ['{not json', 'x'.repeat(2_000_000), JSON.stringify({ id: 'x' })]) {
      const res = await post(body);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('reads at most INGRESS_MAX_ROWS rows and starts at most INGRESS_MAX_ERRORS runs, the most frequent first; the rest is reported', async () => {
    // 40 rows: error k appears 8 - k times among the first 30 (k = 0..5), then 10 more rows of another error.
    const rows = [0, 1, 2, 3, 4, 5]
      .flatMap((k) =>
        Array.from(
          { length: 8 - k },
          () => `Error: ${['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'][k]} step failed in checkout`,
        ),
      )
      .slice(0, 30);
    rows.push(...Array.from({ length: 10 }, () => 'Error: never read'));
    const payload = {
      ...alertPayload({ id: 'evt-bounds' }),
      logs_sample: logsSample(rows.map((message) => ({ service: 'shop-api', message }))),
    };
    const res = await e.sendAlert(payload);
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as Accepted;
    // Among the 30 rows read: kinds 0..3 have 8, 7, 6, 5 rows; kind 4 has 4 and kind 5 none.
    expect(accepted.workflows.map((w) => w.occurrences)).toEqual([8, 7, 6, 5]);
    expect(accepted.skipped).toEqual({ rows: 10, errors: 1, occurrences: 4 });
    // Visibility is eventually consistent: the four runs show up there shortly.
    const query = `WorkflowId STARTS_WITH "${e.pipeline.config.temporal.workflowIdPrefix}-"`;
    await expect.poll(async () => (await e.pipeline.client.workflow.count(query)).count, { timeout: 10_000 }).toBe(4);
  });
});
