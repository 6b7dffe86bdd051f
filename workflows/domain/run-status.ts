import type {
  AlertContext,
  JiraIssueRef,
  LedgerSnapshot,
  PullRequestCheck,
  ApplyMode,
  DeploymentRef,
  ExternalEvent,
  PullRequestRef,
  ReviewRef,
  Verification,
  ErrorIdentity,
  Rollback,
  RollbackSettings,
  FixSuggestion,
  LogMatchReport,
  RecordedDecision,
  SlackMessageRef,
  Stage,
} from './types';
import type { TestPolicy } from './test-evidence';
import type { RelatedError, Triage } from './triage';
import type { Escalation } from './escalation';
import type { FixImpact, NewError } from './impact';

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
  /** PROTECTED_PATHS_POLICY; runs started before it existed refuse such fixes. */
  protectedPaths?: 'refuse' | 'separate-approval';
  /** How long Slack, GitHub, Cursor, Datadog or git may be down before a run gives up (OUTAGE_TOLERANCE). */
  outage?: { toleranceMs: number; maxRetryIntervalMs: number };
  /** Cost bounds (absent in runs started before them): daily Claude Code budgets, and FIX_COOLDOWN. */
  budget?: { dailyUsd: number; serviceDailyUsd: number; cooldownMs: number };
  /** VERIFY_TEST_POLICY and VERIFY_TEST_ATTEMPTS (absent in runs started before regression tests). */
  tests?: { policy: TestPolicy; maxAttempts: number; timeoutMs: number };
  /** TRIAGE on: classify before fixing (absent when off, and in runs started before triage). */
  triage?: { minConfidence: number };
  /** ROLLBACK_*: watch for new errors the fix causes, and revert (absent in runs started before it). */
  rollback?: RollbackSettings;
  /** Measure the fix's effect with the Datadog Metrics API over this long before the deploy (absent: not measured). */
  impact?: { beforeMs: number };
}

export interface BugfixInput {
  identity: ErrorIdentity;
  settings: RunSettings;
  /** An operator asked for this run (`bugfix rerun`): no FIX_COOLDOWN wait. */
  skipCooldown?: boolean;
  /** Set when the run continued as new (its history had grown long): where it was, and what it knew. */
  resume?: { record: RunRecord; ledger: LedgerSnapshot; events: number };
}

/** The questions a run asks a human, one at a time, with the Slack buttons or the CLI. */
export type QuestionKind =
  | 'approve-fix'
  | 'approve-revert'
  | 'retry-pull-request'
  /** Go ahead before FIX_COOLDOWN ends (approve), or stop this run (reject). */
  | 'skip-cooldown'
  /** Spend over the day's budget now (approve), or stop this run (reject). */
  | 'exceed-budget'
  /** Adopt a pull request that differs from the approved fix (approve), or leave it (reject). */
  | 'adopt-pull-request';

/** The open question and, once given, its answer. */
export interface Question {
  kind: QuestionKind;
  askedAt: string;
  answer?: RecordedDecision;
}

/** What a run has found and decided: one plain record, written by the pipeline (workflows/bugfix.ts). */
export interface RunRecord {
  stage: Stage;
  timeline: { stage: Stage; at: string }[];
  notes: string[];
  previousRejections: string[];
  alert?: AlertContext;
  /** What kind of error this is, before anything was spent on a fix. */
  triage?: Triage;
  /** Related fingerprints (same root cause) that joined this run. */
  related?: RelatedError[];
  /** The Jira issue that started or joined this run (its status as the run last moved it). */
  jira?: JiraIssueRef & { status?: string };
  /** The Jira issue an escalation opened for the owning team. */
  escalationIssue?: { key: string; url: string };
  /** Who was told, when and why (owners at once; the no-answer ladder; PagerDuty). */
  escalations?: Escalation[];
  /** When the PagerDuty incident this run opened was resolved (someone answered). */
  pageResolvedAt?: string;
  /** The technical-debt item this run fixes ("Fix this" in a scan's digest): no production error, no triage. */
  debt?: { itemId: string; scanWorkflowId: string };
  /** The run this one joined (this run's error has the same root cause). */
  joined?: { workflowId: string };
  /** How the search of Datadog's logs for this error went: scanned, matched, discarded and why. */
  logs?: LogMatchReport;
  fix?: FixSuggestion;
  slack?: SlackMessageRef;
  /** The question the run waits on, if any. */
  question?: Question;
  /** The answer to the fix's approval question. */
  decision?: RecordedDecision;
  /** The answer to the revert question, after a regression. */
  revertDecision?: RecordedDecision;
  pullRequest?: PullRequestRef;
  /** How a pull request Cursor opened differs from the approved fix; adopting one that differs needs a new approval. */
  pullRequestCheck?: PullRequestCheck;
  /** That new approval. */
  adoptDecision?: RecordedDecision;
  review?: ReviewRef;
  deployment?: DeploymentRef;
  verification?: Verification;
  revertPullRequest?: PullRequestRef;
  /** New errors of the service, first seen after the deploy, that the fix is held to have caused. */
  causedErrors?: NewError[];
  /** The service's error rate (and latency) before and after the deploy. */
  impact?: FixImpact;
  /** The revert's course: merged, deployed, and whether the caused errors stopped. */
  rollback?: Rollback;
  failure?: string;
  /** The latest webhook GitHub or Cursor sent about this run. */
  lastEvent?: ExternalEvent & { at: string };
}

/** What a run knows at any moment: its record, plus what its occurrences add up to. The status query and the workflow result. */
export interface RunStatus extends RunRecord {
  workflowId: string;
  runId: string;
  /** The attempt's first run: the same across a reset or continue-as-new, new for a rerun. Absent in older runs. */
  firstRunId?: string;
  runUrl: string;
  identity: ErrorIdentity;
  message: string;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  samples: { urls: string[]; userIds: string[]; traceIds: string[] };
}

export function runUrl(settings: RunSettings, workflowId: string, runId: string): string {
  return `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
