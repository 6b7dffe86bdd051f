import { proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../../activities';

/** Activity stubs by kind of work; each external system's failure types are named non-retryable here. */

export const slack = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: ['SlackConfigError'] },
});

export const datadog = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 8, nonRetryableErrorTypes: ['DatadogAuthError', 'DatadogBadRequest'] },
});

export const git = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '5s', maximumAttempts: 5, nonRetryableErrorTypes: ['GitAuthError', 'GitNotFound', 'GitConfigError', 'PatchDoesNotApply', 'EmptyPatch'] },
});

export const github = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 10, nonRetryableErrorTypes: ['GitHubAuthError', 'GitHubNotFound', 'GitHubValidation', 'GitHubConfigError'] },
});

export const cursor = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 10, nonRetryableErrorTypes: ['CursorAuthError', 'CursorBadRequest', 'CursorConfigError'] },
});

export const temporal = proxyActivities<PipelineActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 5 } });
