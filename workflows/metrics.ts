/**
 * Run-level metrics, emitted from the workflow through the SDK's workflow meter: it
 * records only when the code is not being replayed, so a run is counted once however
 * often a worker replays it. They come out of the Temporal runtime's Prometheus
 * endpoint under these names (the SDK's `temporal_` prefix is for its own metrics),
 * labelled by the worker with namespace, taskQueue and workflowType.
 */
import { metricMeter } from '@temporalio/workflow';
import { FINAL_STAGES, type Stage } from './types';

export const RUN_METRICS = {
  started: 'bugfix_runs_started_total',
  finished: 'bugfix_runs_finished_total',
  timeToSuggestion: 'bugfix_time_to_suggestion_seconds',
  timeToApproval: 'bugfix_time_to_approval_seconds',
  timeToMerge: 'bugfix_time_to_merge_seconds',
  timeToVerified: 'bugfix_time_to_verified_seconds',
  claudeCost: 'bugfix_claude_cost_usd',
} as const;

/** From a minute to a week: the legs of a run last from seconds (suggestion) to days (merge). */
const DURATION_BUCKETS = [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800];
const COST_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25];

/** For the runtime's `histogramBucketOverrides`: the SDK's default buckets suit milliseconds, not these. */
export const RUN_METRIC_BUCKETS: Record<string, number[]> = {
  [RUN_METRICS.timeToSuggestion]: DURATION_BUCKETS,
  [RUN_METRICS.timeToApproval]: DURATION_BUCKETS,
  [RUN_METRICS.timeToMerge]: DURATION_BUCKETS,
  [RUN_METRICS.timeToVerified]: DURATION_BUCKETS,
  [RUN_METRICS.claudeCost]: COST_BUCKETS,
};

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
      if (Number.isFinite(seconds)) metricMeter.createHistogram(name, 'float', 's', 'Seconds from the first sighting of the error').record(Math.max(0, seconds), tags);
    };
    if (stage === 'collecting') metricMeter.createCounter(RUN_METRICS.started, '1', 'Runs started: one per unique error (or per repeat after a run ended)').add(1, tags);
    if (stage === 'awaiting-approval') {
      leg(RUN_METRICS.timeToSuggestion);
      if (facts.costUsd !== undefined && facts.costUsd >= 0) metricMeter.createHistogram(RUN_METRICS.claudeCost, 'float', 'USD', 'Claude Code cost per suggestion').record(facts.costUsd, tags);
    }
    if (stage === 'approved') leg(RUN_METRICS.timeToApproval);
    if (stage === 'awaiting-deploy') leg(RUN_METRICS.timeToMerge, facts.mergedAt ? Date.parse(facts.mergedAt) : Date.now());
    if (stage === 'verified-fixed') leg(RUN_METRICS.timeToVerified);
    if (FINAL_STAGES.includes(stage)) metricMeter.createCounter(RUN_METRICS.finished, '1', 'Runs ended, by final stage').add(1, { ...tags, final_stage: stage });
  } catch {
    // Metrics are best effort.
  }
}
