import { proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { CursorFailureType, DatadogFailureType, GitFailureType, GitHubFailureType, SlackFailureType } from './domain/failures';

/** Activity stubs by kind of work; each external system's failure types are named non-retryable here. */

export const slack = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: [SlackFailureType.ConfigError] },
});

export const datadog = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 8, nonRetryableErrorTypes: [DatadogFailureType.Auth, DatadogFailureType.BadRequest] },
});

export const git = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '5s', maximumAttempts: 5, nonRetryableErrorTypes: [GitFailureType.Auth, GitFailureType.NotFound, GitFailureType.Config, GitFailureType.PatchDoesNotApply, GitFailureType.EmptyPatch] },
});

export const github = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 10, nonRetryableErrorTypes: [GitHubFailureType.Auth, GitHubFailureType.NotFound, GitHubFailureType.Validation, 'GitHubConfigError'] },
});

export const cursor = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 10, nonRetryableErrorTypes: [CursorFailureType.Auth, CursorFailureType.BadRequest, CursorFailureType.Config] },
});

export const temporal = proxyActivities<PipelineActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 5 } });
