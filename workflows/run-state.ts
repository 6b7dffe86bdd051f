import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { bugfixWorkflow } from './bugfix';
import { CATEGORY, COST_USD, MERGE_COMMIT, OCCURRENCES, PULL_REQUEST, STAGE } from './domain/search-attributes';
import type { RelatedError } from './domain/triage';
import { DecisionRefusalType } from './domain/failures';
import { runUrl, type BugfixInput, type QuestionKind, type RunRecord, type RunStatus } from './domain/run-status';
import type { Decision, ExternalEvent, RecordedDecision, Stage } from './domain/types';
import { OccurrenceLedger } from './occurrence-ledger';
import { recordStage } from './metrics';
import { activityStubs, type ActivityStubs } from './activity-stubs';
import { reportRowOf } from './domain/report/report-row';

/** The stages that wait on a human, and what they ask. */
const QUESTIONS: Partial<Record<Stage, QuestionKind>> = {
  'awaiting-approval': 'approve-fix',
  'awaiting-revert-approval': 'approve-revert',
  'awaiting-retry': 'retry-pull-request',
  'cooling-down': 'skip-cooldown',
  'awaiting-budget': 'exceed-budget',
  'awaiting-pr-approval': 'adopt-pull-request',
};

/**
 * One run: its record (what it found and decided; the pipeline in bugfix.ts writes it), the ledger
 * of its error's sightings (the signal handler writes it), and the two derived views: the status
 * query, and the search attributes and memo that the Web UI and the CLI filter on.
 */
export class Run {
  readonly record: RunRecord;
  readonly ledger: OccurrenceLedger;
  /** The activities, with the retry policies this run's settings call for. */
  readonly act: ActivityStubs;
  /** Webhooks received; the waiting steps poll again at once when it changes. */
  private events: number;

  constructor(readonly input: BugfixInput) {
    this.act = activityStubs(input.settings);
    const { resume } = input;
    this.record = resume?.record ?? { stage: 'collecting', timeline: [], notes: [], previousRejections: [] };
    this.ledger = resume ? OccurrenceLedger.restore(resume.ledger) : new OccurrenceLedger();
    this.events = resume?.events ?? 0;
  }

  /** Whether this execution took over from an earlier one (continue-as-new) while waiting in its current stage. */
  get resumedHere(): boolean {
    return this.input.resume?.record.stage === this.record.stage;
  }

  /** When the current wait began: at once, or for a resumed run, when its stage was entered. */
  waitStartedAt(): number {
    return this.resumedHere ? Date.parse(this.enteredAt(this.record.stage)!) : Date.now();
  }

  /**
   * `condition` for the pipeline's long waits. When Temporal suggests it (the history has grown
   * long, say with occurrences or webhooks), the run continues as new from the same stage with
   * what it knows, instead of walking toward the history limit.
   */
  async wait(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const due = () => workflowInfo().continueAsNewSuggested;
    await condition(() => done() || due(), timeoutMs);
    if (done()) return true;
    if (due()) {
      await condition(allHandlersFinished);
      const resume = { record: this.record, ledger: this.ledger.snapshot(), events: this.events };
      await continueAsNew<typeof bugfixWorkflow>({ ...this.input, resume });
    }
    return false;
  }

  get settings() {
    return this.input.settings;
  }

  /** Moves to `stage`; a waiting stage opens its question. Mirrored into search attributes, memo and metrics. */
  enter(stage: Stage): void {
    const r = this.record;
    const at = new Date().toISOString();
    r.stage = stage;
    r.timeline.push({ stage, at });
    const kind = QUESTIONS[stage];
    if (kind) r.question = { kind, askedAt: at };
    this.mirror();
    const { identity } = this.input;
    recordStage(stage, {
      service: identity.service,
      since: this.ledger.firstSeen || r.timeline[0]!.at,
      costUsd: r.fix?.costUsd,
      mergedAt: r.pullRequest?.mergedAt,
    });
  }

  /** The record's state in search attributes and memo: what the Web UI and the CLI filter and show. */
  mirror(): void {
    const r = this.record;
    upsertSearchAttributes([
      { key: STAGE, value: r.stage },
      { key: OCCURRENCES, value: this.ledger.count },
      ...(r.fix ? [{ key: COST_USD, value: r.fix.costUsd }] : []),
      ...(r.pullRequest ? [{ key: PULL_REQUEST, value: r.pullRequest.url }] : []),
      ...(r.pullRequest?.mergeCommitSha ? [{ key: MERGE_COMMIT, value: r.pullRequest.mergeCommitSha }] : []),
      ...(r.triage ? [{ key: CATEGORY, value: r.triage.category }] : []),
    ]);
    const { identity } = this.input;
    upsertMemo({
      summary: `${identity.service}: ${identity.errorType}: ${this.message()}`.slice(0, 200),
      stage: r.stage,
      report: reportRowOf(this.status()),
    });
  }

  /**
   * Why a decision cannot be taken now, as the failure the update's validator throws (typed, with the
   * answer it came after when there is one), or undefined when the open question awaits it.
   */
  refuseDecision(d: Decision): ApplicationFailure | undefined {
    const why = this.refusal(d);
    if (why === undefined) return undefined;
    // `refusal` asks for the user before it looks at an earlier answer.
    const answered = d.userId ? this.record.question?.answer : undefined;
    return ApplicationFailure.create({
      message: why,
      type: answered ? DecisionRefusalType.AlreadyAnswered : DecisionRefusalType.Refused,
      nonRetryable: true,
      details: answered ? [answered] : [],
    });
  }

  private refusal(d: Decision): string | undefined {
    const q = this.record.question;
    if (!d.userId) return 'A decision needs the deciding user';
    if (q?.answer)
      return `Already ${q.answer.approved ? 'approved' : 'rejected'} by ${q.answer.userName} at ${q.answer.at}`;
    if (!q || !QUESTIONS[this.record.stage])
      return `This run is not waiting for a decision (stage: ${this.record.stage})`;
    // Approving a fix, its retry or its revert carries its protected changes to the repository;
    // adopting someone else's pull request, the protected files it changes.
    const guarded =
      q.kind === 'adopt-pull-request'
        ? (this.record.pullRequestCheck?.protectedFiles ?? [])
        : (this.record.fix?.protectedFiles ?? []);
    if (d.approved && guarded.length && !d.mayApproveProtected)
      return `This fix changes protected files (${guarded.map((g) => g.path).join(', ')}): only a protected-path approver (PROTECTED_PATH_APPROVER_SLACK_USER_IDS) can approve it`;
    return undefined;
  }

  /** Answers the open question (the update's validator has run `refuseDecision`). */
  answer(d: Decision): RecordedDecision {
    const recorded = { ...d, at: new Date().toISOString() };
    this.record.question!.answer = recorded;
    return recorded;
  }

  /** The open question's answer, once given. */
  answerOf(kind: QuestionKind): RecordedDecision | undefined {
    const q = this.record.question;
    return q?.kind === kind ? q.answer : undefined;
  }

  /** When the run entered `stage` (its latest entry), if it did. */
  enteredAt(stage: Stage): string | undefined {
    return [...this.record.timeline].reverse().find((t) => t.stage === stage)?.at;
  }

  notice(event: ExternalEvent): void {
    this.events++;
    this.record.lastEvent = { ...event, at: new Date().toISOString() };
  }

  /** A related error (same root cause, another fingerprint) joins this run; a repeat adds its occurrences. */
  relate(e: RelatedError): void {
    const list = (this.record.related ??= []);
    const same = list.find((x) => x.fingerprint === e.fingerprint);
    if (same) same.occurrences += e.occurrences;
    else if (list.length < 50) list.push(e);
  }

  /** This run's error, as it joins a related run. */
  asRelated(): RelatedError {
    const { workflowId } = workflowInfo();
    const { identity } = this.input;
    return {
      workflowId,
      fingerprint: identity.fingerprint,
      errorType: identity.errorType,
      message: this.message().slice(0, 500),
      occurrences: this.ledger.count,
      at: new Date().toISOString(),
    };
  }

  eventCount(): number {
    return this.events;
  }

  message(): string {
    return this.ledger.message || this.input.identity.normalizedMessage;
  }

  status(): RunStatus {
    const { workflowId, runId, firstExecutionRunId } = workflowInfo();
    const { ledger } = this;
    return {
      ...this.record,
      workflowId,
      runId,
      firstRunId: firstExecutionRunId,
      runUrl: runUrl(this.settings, workflowId, runId),
      identity: this.input.identity,
      message: this.message(),
      occurrences: ledger.count,
      firstSeen: ledger.firstSeen,
      lastSeen: ledger.lastSeen,
      samples: { urls: ledger.urls, userIds: ledger.userIds, traceIds: ledger.traceIds },
    };
  }
}

/** One stack as production logged it (the logs carry stacks; webhook rows do not). */
export function stackOf(run: Run): string | undefined {
  return run.ledger.examples.find((o) => o.stack)?.stack;
}
