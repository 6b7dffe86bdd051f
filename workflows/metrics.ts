/**
 * Run-level metrics, emitted from the workflow through the SDK's workflow meter: it
 * records only when the code is not being replayed, so a run is counted once however
 * often a worker replays it. They come out of the Temporal runtime's Prometheus
 * endpoint under these names (the SDK's `temporal_` prefix is for its own metrics),
 * labelled by the worker with namespace, taskQueue and workflowType.
 */
import { metricMeter } from '@temporalio/workflow';
import { FINAL_STAGES, type Stage } from './domain/types';
import { RUN_METRICS } from './domain/run-metrics';

export interface RunFacts {
  service: string;
  /** First sighting of the error (ISO-8601); the legs are measured from it. */
  since: string;
  costUsd?: number;
  mergedAt?: string;
}

/** Called on every stage change. A metric must never fail a run, so a bad value is dropped. */
export function recordStage(stage: Stage, facts: RunFacts): void {
  try {
    const tags = { service: facts.service };
    const leg = (name: string, at = Date.now()) => {
      const seconds = (at - Date.parse(facts.since)) / 1000;
      if (Number.isFinite(seconds))
        metricMeter
          .createHistogram(name, 'float', 's', 'Seconds from the first sighting of the error')
          .record(Math.max(0, seconds), tags);
    };
    if (stage === 'collecting')
      metricMeter
        .createCounter(RUN_METRICS.started, '1', 'Runs started: one per unique error (or per repeat after a run ended)')
        .add(1, tags);
    if (stage === 'awaiting-approval') {
      leg(RUN_METRICS.timeToSuggestion);
      if (facts.costUsd !== undefined && facts.costUsd >= 0)
        metricMeter
          .createHistogram(RUN_METRICS.claudeCost, 'float', 'USD', 'Claude Code cost per suggestion')
          .record(facts.costUsd, tags);
    }
    if (stage === 'approved') leg(RUN_METRICS.timeToApproval);
    if (stage === 'awaiting-deploy')
      leg(RUN_METRICS.timeToMerge, facts.mergedAt ? Date.parse(facts.mergedAt) : Date.now());
    if (stage === 'verified-fixed') leg(RUN_METRICS.timeToVerified);
    if (FINAL_STAGES.includes(stage))
      metricMeter
        .createCounter(RUN_METRICS.finished, '1', 'Runs ended, by final stage')
        .add(1, { ...tags, final_stage: stage });
  } catch {
    // Metrics are best effort.
  }
}
