/** Names and buckets of the run-level metrics the workflow records (workflows/metrics.ts) and the worker's runtime serves. */
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
