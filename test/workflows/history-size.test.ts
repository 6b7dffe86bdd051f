import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeDeployVerify } from '../support/release';
import { startE2E, alertPayload, SERVICE, type E2E } from '../support/e2e';
import { errorLogEvent } from '../fakes/datadog-shapes';
import { FIXED_LINE, sampleError } from '../fakes/scripted-fix';

/**
 * What one full run writes to Temporal: events and bytes of its history (a run's history is
 * bounded by Temporal, and every byte is stored and replayed). Prints the figures.
 */
describe('history size of a full run', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('alert to verified fix: the diff is written to the history a bounded number of times', async () => {
    e.datadog.addLog(errorLogEvent({ service: SERVICE, ...sampleError, userId: 'u-1' }));
    const res = await e.sendAlert(alertPayload({ id: 'evt-history-size' }));
    const { workflowId } = ((await res.json()) as { workflows: { workflowId: string }[] }).workflows[0]!;
    await e.waitFor(workflowId, (s) => s.slack !== undefined, 90_000);
    await e.click('approve', workflowId);
    expect((await mergeDeployVerify(e, workflowId)).stage).toBe('verified-fixed');
    const handle = e.pipeline.client.workflow.getHandle(workflowId);

    const history = await handle.fetchHistory();
    const events = history.events?.length ?? 0;
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    const diffCopies = countPayloadsContaining(history, FIXED_LINE);
    console.log(
      `history of a full run (direct mode, verified): ${events} events, ${bytes} bytes; the diff in ${diffCopies} payload(s)`,
    );
    expect(events).toBeGreaterThan(0);
    // proposeFix's result, the first Slack post, the push and the run's result; never once per Slack update.
    expect(diffCopies).toBeGreaterThan(0);
    expect(diffCopies).toBeLessThanOrEqual(4);
  }, 150_000);
});

/** How many payloads in the history carry `needle` (payload data is base64 JSON). */
function countPayloadsContaining(history: temporal.api.history.v1.IHistory, needle: string): number {
  let n = 0;
  const visit = (v: unknown): void => {
    if (v instanceof Uint8Array) {
      if (Buffer.from(v).toString('utf8').includes(needle)) n++;
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(history.events);
  return n;
}
