/**
 * The pipeline's domain, shared by the ingress, the workflows and the activities.
 * Plain data only: everything here crosses Temporal's payload boundary as JSON.
 */
import type { ErrorCategory } from './triage';
import type { StackLanguage } from './identity/parsed-stack';
import type { TestEvidence } from './test-evidence';

/** What identifies a unique error: the same fingerprint means the same bug. */
export interface ErrorIdentity {
  fingerprint: string;
  service: string;
  errorType: string;
  /** The message with ids, numbers, uuids and quoted values replaced by placeholders. */
  normalizedMessage: string;
  /** Top in-app frames that went into the fingerprint, "file:function". */
  topFrames: string[];
  language: StackLanguage;
}

/** One sighting of an error in production, as much as the webhook or the logs tell. */
export interface Occurrence {
  /** Datadog delivery (`$ID`) or log event id: what makes a repeat of the same sighting recognisable. */
  id: string;
  at: string;
  message: string;
  stack?: string;
  url?: string;
  userId?: string;
  traceId?: string;
  env?: string;
  version?: string;
}

/** What the ingress sends to a run: new occurrences of its error. */
export interface OccurrenceBatch {
  deliveryId: string;
  occurrences: Occurrence[];
  alert?: AlertContext;
  /** The Jira issue that reported it, when the batch came from Jira's webhook. */
  jira?: JiraIssueRef;
  /** The technical-debt item it came from, when someone clicked "Fix this" in a scan's digest. */
  debt?: { itemId: string; scanWorkflowId: string };
}

/** A Jira issue a run came from (or was reported on). */
export interface JiraIssueRef {
  key: string;
  id: string;
  url: string;
  summary: string;
  project: string;
}

/** The Datadog monitor that fired, as the webhook tells it. */
export interface AlertContext {
  eventId: string;
  title: string;
  monitorId?: string;
  query?: string;
  transition?: string;
  link?: string;
  tags: string[];
  /** Alert window for the logs search, ISO-8601. */
  from: string;
  to: string;
}

/** A log event from the Datadog Logs API, reduced to what the fix needs. */
export interface LogEvent {
  id: string;
  timestamp: string;
  service?: string;
  env?: string;
  version?: string;
  message: string;
  errorKind?: string;
  errorMessage?: string;
  stack?: string;
  url?: string;
  userId?: string;
  traceId?: string;
}

/** Why a Datadog log event was not counted as this run's error. */
export type LogDiscardReason = 'other-service' | 'other-message' | 'other-error-type' | 'other-frames';

/** How a search of Datadog's logs went for one run: never silent about what it left out. */
export interface LogMatchReport {
  query: string;
  from: string;
  to: string;
  /** Events the search returned. */
  scanned: number;
  /** Events that are this run's error. */
  matched: number;
  /** The rest, by reason. */
  discarded: Partial<Record<LogDiscardReason, number>>;
  /** Datadog had more events than were read. */
  truncated: boolean;
  /** The frames the run's error was matched on: its own, or the throw site most of its events share. */
  topFrames?: string[];
}

/** Claude Code's proposal, as recorded in the workflow. */
export interface FixSuggestion {
  explanation: string;
  /** Unified diff of the working tree after Claude's edits (empty when it changed nothing). */
  diff: string;
  filesTouched: string[];
  turns: number;
  costUsd: number;
  sessionId: string;
  /** The commit the diff applies to. */
  baseCommit: string;
  /** Changes to files that need more than the usual approval (CI, dependencies, symlinks, ...). */
  protectedFiles?: ProtectedChange[];
  /** Set when the diff was over FIX_MAX_DIFF_BYTES: `diff` is then empty, and the fix is refused. */
  oversized?: { bytes: number };
  /** What the sandboxed test runs proved (absent when they did not run, as in runs before them). */
  tests?: TestEvidence;
  /** Fix attempts this suggestion took (more than 1 when the tests sent one back). */
  attempt?: number;
}

/** A changed file a fix may not carry without a protected-path approver, and why. */
export interface ProtectedChange {
  path: string;
  reason: string;
}

export interface Decision {
  approved: boolean;
  userId: string;
  userName: string;
  reason?: string;
  /** Where the decision came from: a Slack button or the operator CLI. */
  via: 'slack' | 'cli';
  /** The decider is a protected-path approver (PROTECTED_PATH_APPROVER_SLACK_USER_IDS). */
  mayApproveProtected?: boolean;
  /** "Not a code bug": the decider's own classification (with a rejection); the triage memory keeps it. */
  correction?: { category?: ErrorCategory };
}

export interface RecordedDecision extends Decision {
  at: string;
}

/** Stages a run goes through; also the `BugfixStage` search attribute. */
export type Stage =
  | 'collecting'
  /** The classifier decides whether this is a code defect worth a fix, or one for people. */
  | 'triaging'
  | 'cloning'
  /** An earlier run of this error was rejected, expired or refused lately: no new proposal until FIX_COOLDOWN ends (or an operator says go). */
  | 'cooling-down'
  /** The daily or per-service Claude Code budget is spent: the run waits for the next day (or an operator). */
  | 'awaiting-budget'
  | 'proposing'
  /** The application's tests run in the sandbox: on the deployed commit, with the regression test, with the fix. */
  | 'testing'
  | 'awaiting-approval'
  | 'approved'
  | 'opening-pr'
  | 'awaiting-merge'
  | 'awaiting-deploy'
  | 'verifying'
  | 'awaiting-revert-approval'
  /** The revert pull request is open: its merge and deployment are tracked (merged and deployed by the pipeline where configured). */
  | 'reverting'
  /** The revert is deployed: production is watched for the errors the fix caused to stop. */
  | 'verifying-revert'
  /** The PR step failed (a Cursor agent errored or expired): retry or give up, from Slack or the CLI. */
  | 'awaiting-retry'
  /** Cursor's pull request differs from the approved fix: adopt it (a new approval) or leave it. */
  | 'awaiting-pr-approval'
  // Final stages:
  /** Not a code defect (triage, or a person's correction): handed to the service's owners, no fix. */
  | 'escalated'
  /** The same root cause as another open run (a related fingerprint): that run carries it. */
  | 'joined'
  /** The fix changes protected files (or is too large) and the policy refuses such fixes. */
  | 'refused'
  | 'rejected'
  | 'expired'
  | 'failed'
  | 'closed-unmerged'
  | 'stalled'
  | 'verified-fixed'
  | 'regressed'
  | 'reverted';

export const FINAL_STAGES: readonly Stage[] = [
  'escalated',
  'joined',
  'refused',
  'rejected',
  'expired',
  'failed',
  'closed-unmerged',
  'stalled',
  'verified-fixed',
  'regressed',
  'reverted',
];

/** How an approved fix becomes a pull request (FIX_APPLY_MODE). */
export type ApplyMode = 'direct' | 'cursor-api' | 'cursor-slack';

export interface PullRequestRef {
  number: number;
  url: string;
  branch: string;
  openedBy: string;
  /** Who asked Cursor in the Slack thread (cursor-slack mode). */
  requestedBy?: string;
  mergedAt?: string;
  mergedBy?: string;
  mergeCommitSha?: string;
  closedAt?: string;
  closedBy?: string;
}

export interface ReviewRef {
  user?: string;
  state: string;
  body: string;
  submittedAt?: string;
}

export interface DeploymentRef {
  id: number;
  environment: string;
  sha: string;
  url?: string;
  at: string;
}

export interface Verification {
  from: string;
  to: string;
  /** Sightings of this error after the deploy: Datadog's log events, plus webhook sightings no log event accounts for. */
  recurrences: number;
  /** Of those, log events from the Logs API (absent in runs verified before this was recorded). */
  fromLogs?: number;
  /** Of those, webhook sightings that match no log event by id or time. */
  fromWebhooksOnly?: number;
  /** The Logs API could not be read: the count is webhook sightings alone. */
  logsUnavailable?: boolean;
  samples: Occurrence[];
  ratePerHourBefore: number;
  ratePerHourAfter: number;
  verdict: 'verified-fixed' | 'regressed';
}

/** Something GitHub or Cursor told the ingress about this run: wakes the waiting step early. */
export interface ExternalEvent {
  source: 'github' | 'cursor';
  kind: string;
  detail?: string;
}

/** Where the suggestion lives in Slack, so later stages update it and reply in its thread. */
export interface SlackMessageRef {
  channel: string;
  ts: string;
  permalink?: string;
}

/** What a run carries into its next execution when it continues as new: all counts, bounded samples. */
export interface LedgerSnapshot {
  count: number;
  firstSeen: string;
  lastSeen: string;
  message: string;
  urls: string[];
  userIds: string[];
  traceIds: string[];
  examples: Occurrence[];
  recent: Occurrence[];
  deliveries: string[];
}

/** How a pull request someone else opened (Cursor) differs from the diff a human approved. */
export interface PullRequestCheck {
  /** Empty when the pull request changes exactly what was approved. */
  differences: string[];
  /** The pull request's files that need a protected-path approver. */
  protectedFiles: ProtectedChange[];
}

/** How a run answers a fix that caused new errors (ROLLBACK_*); absent in runs started before automatic rollback. */
export interface RollbackSettings {
  /** `ask`: a second approval, as for a regression; `auto`: the revert pull request at once. */
  policy: 'ask' | 'auto';
  /** Merge the revert pull request through the API (ROLLBACK_MERGE). */
  merge: boolean;
  /** Ask GitHub Deployments for a deployment of the commit before the fix (ROLLBACK_DEPLOY). */
  deploy: boolean;
  /** How far before the deploy a fingerprint must not have been seen, to count as new. */
  lookbackMs: number;
  /** Occurrences after the deploy that make a new error's burst attributable to it without a stack. */
  minJump: number;
}

/** A revert, from why it started to whether production recovered. */
export interface Rollback {
  policy: 'ask' | 'auto';
  /** `regression`: the same error came back; `caused-errors`: the fix brought new errors. */
  reason: 'regression' | 'caused-errors';
  startedAt: string;
  /** The revert's merge: by the pipeline (ROLLBACK_MERGE) or by a person. */
  merged?: { sha: string; at: string; by: string };
  /** The deployment that took the fix out: the revert's merge, or (ROLLBACK_DEPLOY) the commit before the fix. */
  deployment?: DeploymentRef;
  /** After that deployment, over VERIFY_WINDOW: which of the caused errors were still seen. */
  verified?: { at: string; stopped: boolean; stillSeen: string[] };
}
