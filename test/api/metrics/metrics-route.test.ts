import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, alertPayload, SERVICE, type E2E } from '../../support/e2e';
import { sampleError } from '../../fakes/scripted-fix';
import { errorLogEvent } from '../../fakes/datadog-shapes';
import { promSample, promSamples } from './prom-text';
import { mergeDeployVerify } from '../../support/release';

interface Accepted {
  workflows: { workflowId: string }[];
}

describe('GET /metrics after a run to verified-fixed', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  const scrape = async () => {
    const res = await fetch(`${e.pipeline.apiUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  it('serves the ingress counters, the run metrics from the workflow, and the Temporal SDK metrics', async () => {
    e.datadog.addLog(errorLogEvent({ service: SERVICE, ...sampleError }));
    const payload = alertPayload({ id: 'evt-metrics-1' });
    const res = await e.sendAlert(payload);
    expect(res.status).toBe(202);
    const { workflowId } = ((await res.json()) as Accepted).workflows[0]!;
    // Datadog's retry of the same delivery, and a wrong token.
    expect((await e.sendAlert(payload)).status).toBe(202);
    expect((await e.sendAlert(payload, 'wrong-token')).status).toBe(401);

    await e.waitForStage(workflowId, 'awaiting-approval', 90_000);
    const queue = e.pipeline.config.temporal.taskQueue;
    const ofThisRun = { taskQueue: queue, service: SERVICE };
    // Metrics reach the runtime's exporter just after the activation that recorded them: poll briefly.
    const scrapeUntil = async (name: string, labels: Record<string, string>) => {
      let text = await scrape();
      for (let i = 0; i < 50 && promSample(text, name, labels) === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        text = await scrape();
      }
      return text;
    };
    let text = await scrapeUntil('bugfix_time_to_suggestion_seconds_count', ofThisRun);
    expect(promSample(text, 'bugfix_runs_started_total', ofThisRun)).toBe(1);
    expect(promSample(text, 'bugfix_time_to_suggestion_seconds_count', ofThisRun)).toBe(1);
    expect(promSample(text, 'bugfix_claude_cost_usd_count', ofThisRun)).toBe(1);
    expect(promSample(text, 'bugfix_claude_cost_usd_sum', ofThisRun)).toBeCloseTo(
      (await e.status(workflowId)).fix!.costUsd,
      6,
    );

    // A fresh worker has no cached run: it replays the history so far, which must record nothing again.
    await e.pipeline.stopWorker();
    await e.pipeline.startWorker();
    expect((await e.click('approve', workflowId)).status).toBe(200);
    const result = await mergeDeployVerify(e, workflowId);
    expect(result.stage).toBe('verified-fixed');
    text = await scrapeUntil('bugfix_runs_finished_total', ofThisRun);

    // Ingress (prom-client): two accepted deliveries of one alert, one of them a duplicate; one unique error; one refusal.
    expect(promSample(text, 'bugfix_alerts_received_total', { transition: 'triggered' })).toBe(2);
    expect(promSample(text, 'bugfix_alert_duplicate_deliveries_total')).toBe(1);
    expect(promSample(text, 'bugfix_unique_errors_seen_total')).toBe(1);
    expect(promSample(text, 'bugfix_alerts_refused_total', { status: '401' })).toBe(1);
    expect(promSample(text, 'bugfix_runtime_metrics_up')).toBe(1);

    // Run metrics (workflow meter, through the runtime's Prometheus endpoint, labelled by the worker).
    expect(promSample(text, 'bugfix_runs_finished_total', { ...ofThisRun, final_stage: 'verified-fixed' })).toBe(1);
    for (const leg of ['approval', 'merge', 'verified'])
      expect(promSample(text, `bugfix_time_to_${leg}_seconds_count`, ofThisRun), leg).toBe(1);
    // The project's buckets (up to a week), not the SDK's millisecond defaults.
    expect(promSample(text, 'bugfix_time_to_merge_seconds_bucket', { ...ofThisRun, le: '604800' })).toBe(1);
    // The second worker did replay, and recorded nothing for the stages it replayed. (SDK 1.24 drops a
    // stopped worker's series, so they are gone; an SDK that kept them would show 2 worker starts and 1.)
    expect(
      promSample(text, 'temporal_workflow_task_replay_latency_count', { task_queue: queue }),
    ).toBeGreaterThanOrEqual(1);
    const kept = promSample(text, 'temporal_worker_start', { task_queue: queue }) === 2 ? 1 : 0;
    expect(promSample(text, 'bugfix_runs_started_total', ofThisRun) ?? 0).toBe(kept);
    expect(promSample(text, 'bugfix_time_to_suggestion_seconds_count', ofThisRun) ?? 0).toBe(kept);

    // The SDK's own worker metrics for this task queue.
    expect(
      promSample(text, 'temporal_workflow_completed', { task_queue: queue, workflow_type: 'bugfixWorkflow' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      promSamples(text, 'temporal_activity_execution_latency_count').some((s) => s.labels.task_queue === queue),
    ).toBe(true);
  }, 150_000);
});
