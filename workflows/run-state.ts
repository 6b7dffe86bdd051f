import { upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { COST_USD, MERGE_COMMIT, OCCURRENCES, PULL_REQUEST, STAGE } from './domain/search-attributes';
import { runUrl, type BugfixInput, type RunStatus } from './domain/run-status';
import { OccurrenceLedger } from './occurrence-ledger';
import { recordStage } from './metrics';
import type { AlertContext, DeploymentRef, ExternalEvent, FixSuggestion, LogMatchReport, PullRequestRef, RecordedDecision, ReviewRef, SlackMessageRef, Stage, Verification } from './domain/types';

/**
 * Everything one run knows, in one place: the steps write it, the status query and
 * the Slack message read it, and every stage change is mirrored into the search
 * attributes and memo that the Web UI and the CLI filter on.
 */
export class RunState {
  readonly ledger = new OccurrenceLedger();
  readonly timeline: RunStatus['timeline'] = [];
  readonly notes: string[] = [];
  stage: Stage = 'collecting';
  alert?: AlertContext;
  /** How the search of Datadog's logs for this error went. */
  logs?: LogMatchReport;
  fix?: FixSuggestion;
  slack?: SlackMessageRef;
  decision?: RecordedDecision;
  revertDecision?: RecordedDecision;
  /** The answer to the latest "retry the PR step?" question; cleared before each question. */
  retryDecision?: RecordedDecision;
  previousRejections: string[] = [];
  pullRequest?: PullRequestRef;
  review?: ReviewRef;
  deployment?: DeploymentRef;
  verification?: Verification;
  revertPullRequest?: PullRequestRef;
  failure?: string;
  /** Set by webhook signals; the waiting steps poll again at once when it flips. */
  private events = 0;

  constructor(readonly input: BugfixInput) {}

  get settings() {
    return this.input.settings;
  }

  enter(next: Stage): void {
    this.stage = next;
    this.timeline.push({ stage: next, at: new Date().toISOString() });
    upsertSearchAttributes([
      { key: STAGE, value: next },
      { key: OCCURRENCES, value: this.ledger.count },
      ...(this.fix ? [{ key: COST_USD, value: this.fix.costUsd }] : []),
      ...(this.pullRequest ? [{ key: PULL_REQUEST, value: this.pullRequest.url }] : []),
      ...(this.pullRequest?.mergeCommitSha ? [{ key: MERGE_COMMIT, value: this.pullRequest.mergeCommitSha }] : []),
    ]);
    const { identity } = this.input;
    upsertMemo({ summary: `${identity.service}: ${identity.errorType}: ${this.message()}`.slice(0, 200), stage: next });
    recordStage(next, { service: identity.service, since: this.ledger.firstSeen || this.timeline[0]!.at, costUsd: this.fix?.costUsd, mergedAt: this.pullRequest?.mergedAt });
  }

  /** When the run entered `stage` (its latest entry), if it did. */
  enteredAt(stage: Stage): string | undefined {
    return [...this.timeline].reverse().find((t) => t.stage === stage)?.at;
  }

  notice(_event: ExternalEvent): void {
    this.events++;
  }

  eventCount(): number {
    return this.events;
  }

  message(): string {
    return this.ledger.message || this.input.identity.normalizedMessage;
  }

  status(): RunStatus {
    const { workflowId, runId } = workflowInfo();
    const { ledger } = this;
    return {
      workflowId,
      runId,
      runUrl: runUrl(this.settings, workflowId, runId),
      identity: this.input.identity,
      stage: this.stage,
      timeline: this.timeline,
      message: this.message(),
      occurrences: ledger.count,
      firstSeen: ledger.firstSeen,
      lastSeen: ledger.lastSeen,
      samples: { urls: ledger.urls, userIds: ledger.userIds, traceIds: ledger.traceIds },
      notes: this.notes,
      previousRejections: this.previousRejections,
      ...(this.alert ? { alert: this.alert } : {}),
      ...(this.logs ? { logs: this.logs } : {}),
      ...(this.fix ? { fix: this.fix } : {}),
      ...(this.slack ? { slack: this.slack } : {}),
      ...(this.decision ? { decision: this.decision } : {}),
      ...(this.revertDecision ? { revertDecision: this.revertDecision } : {}),
      ...(this.retryDecision ? { retryDecision: this.retryDecision } : {}),
      ...(this.pullRequest ? { pullRequest: this.pullRequest } : {}),
      ...(this.review ? { review: this.review } : {}),
      ...(this.deployment ? { deployment: this.deployment } : {}),
      ...(this.verification ? { verification: this.verification } : {}),
      ...(this.revertPullRequest ? { revertPullRequest: this.revertPullRequest } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }
}
