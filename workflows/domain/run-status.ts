import type {
  AlertContext,
  ApplyMode,
  DeploymentRef,
  PullRequestRef,
  ReviewRef,
  Verification,
  ErrorIdentity,
  FixSuggestion,
  LogMatchReport,
  RecordedDecision,
  SlackMessageRef,
  Stage,
} from './types';

/** Settings a run is started with; they come from the service's configuration, so tests can shorten them. */
export interface RunSettings {
  approvalTimeoutMs: number;
  reminderIntervalMs: number;
  claudeTimeoutMs: number;
  /** Base URL of the Temporal Web UI, for links to the run. */
  temporalUiUrl: string;
  namespace: string;
  applyMode: ApplyMode;
  baseBranch: string;
  deployEnvironment: string;
  prWaitTimeoutMs: number;
  deployTimeoutMs: number;
  verifyWindowMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
}

export interface BugfixInput {
  identity: ErrorIdentity;
  settings: RunSettings;
}

/** What a run knows at any moment: returned by the status query and the workflow result. */
export interface RunStatus {
  workflowId: string;
  runId: string;
  runUrl: string;
  identity: ErrorIdentity;
  stage: Stage;
  timeline: { stage: Stage; at: string }[];
  message: string;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  samples: { urls: string[]; userIds: string[]; traceIds: string[] };
  alert?: AlertContext;
  /** How the search of Datadog's logs for this error went: scanned, matched, discarded and why. */
  logs?: LogMatchReport;
  notes: string[];
  fix?: FixSuggestion;
  slack?: SlackMessageRef;
  decision?: RecordedDecision;
  revertDecision?: RecordedDecision;
  retryDecision?: RecordedDecision;
  previousRejections: string[];
  pullRequest?: PullRequestRef;
  review?: ReviewRef;
  deployment?: DeploymentRef;
  verification?: Verification;
  revertPullRequest?: PullRequestRef;
  failure?: string;
}

export function runUrl(settings: RunSettings, workflowId: string, runId: string): string {
  return `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
