/**
 * One run per unique production error: collect its logs, clone the repository,
 * let Claude Code propose a fix, post it to Slack and wait — durably — for a
 * human to approve or reject it. Read top to bottom: that is the pipeline.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { decideUpdate, occurrencesSignal, statusQuery } from './messages';
import { COST_USD, ERROR_TYPE, FINGERPRINT, OCCURRENCES, SERVICE, STAGE } from './search-attributes';
import { OccurrenceLedger, logsQueryFor, runUrl, type BugfixInput, type RunStatus } from './bugfix-status';
import type { AlertContext, FixSuggestion, RecordedDecision, SlackMessageRef, Stage } from './types';

const { fetchOccurrenceLogs } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 8, nonRetryableErrorTypes: ['DatadogAuthError', 'DatadogBadRequest'] },
});
const { cloneRepository } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '5s', maximumAttempts: 5, nonRetryableErrorTypes: ['GitAuthError', 'GitNotFound'] },
});
const slack = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: ['SlackConfigError'] },
});
const { pastRejections } = proxyActivities<PipelineActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 5 } });

export async function bugfixWorkflow(input: BugfixInput): Promise<RunStatus> {
  const { identity, settings } = input;
  const { workflowId, runId } = workflowInfo();
  const { proposeFix } = proxyActivities<PipelineActivities>({
    startToCloseTimeout: settings.claudeTimeoutMs + 120_000,
    heartbeatTimeout: '30s',
    retry: { initialInterval: '5s', maximumAttempts: 3, nonRetryableErrorTypes: ['GitAuthError', 'GitNotFound', 'GitConfigError', 'WorkingTreeMismatch'] },
  });

  const ledger = new OccurrenceLedger();
  const timeline: RunStatus['timeline'] = [];
  const notes: string[] = [];
  let stage: Stage = 'collecting';
  let alert: AlertContext | undefined;
  let fix: FixSuggestion | undefined;
  let slackRef: SlackMessageRef | undefined;
  let decision: RecordedDecision | undefined;
  let previousRejections: string[] = [];
  let failure: string | undefined;

  const status = (): RunStatus => ({
    workflowId, runId, runUrl: runUrl(settings, workflowId, runId), identity, stage, timeline,
    message: ledger.message || identity.normalizedMessage,
    occurrences: ledger.count, firstSeen: ledger.firstSeen, lastSeen: ledger.lastSeen,
    samples: { urls: ledger.urls, userIds: ledger.userIds, traceIds: ledger.traceIds },
    notes, previousRejections,
    ...(alert ? { alert } : {}), ...(fix ? { fix } : {}), ...(slackRef ? { slack: slackRef } : {}),
    ...(decision ? { decision } : {}), ...(failure ? { failure } : {}),
  });

  const enter = (next: Stage) => {
    stage = next;
    timeline.push({ stage: next, at: new Date().toISOString() });
    upsertSearchAttributes([
      { key: STAGE, value: next },
      { key: OCCURRENCES, value: ledger.count },
      ...(fix ? [{ key: COST_USD, value: fix.costUsd }] : []),
    ]);
    upsertMemo({ summary: `${identity.service}: ${identity.errorType}: ${ledger.message || identity.normalizedMessage}`.slice(0, 200), stage: next });
  };

  setHandler(occurrencesSignal, (batch) => {
    if (ledger.add(batch) && batch.alert) alert ??= batch.alert;
  });
  setHandler(statusQuery, status);
  setHandler(
    decideUpdate,
    (d) => {
      decision = { ...d, at: new Date().toISOString() };
      return decision;
    },
    {
      validator: (d) => {
        if (decision) throw new Error(`Already ${decision.approved ? 'approved' : 'rejected'} by ${decision.userName} at ${decision.at}`);
        if (stage !== 'awaiting-approval') throw new Error(`This run is not waiting for approval (stage: ${stage})`);
        if (!d.userId) throw new Error('A decision needs the deciding user');
      },
    },
  );

  upsertSearchAttributes([
    { key: FINGERPRINT, value: identity.fingerprint },
    { key: SERVICE, value: identity.service },
    { key: ERROR_TYPE, value: identity.errorType },
  ]);
  enter('collecting');

  try {
    // 1. Logs: stack, URL, user and trace ids from Datadog. Without access, go on with the webhook's data.
    try {
      const logs = await fetchOccurrenceLogs({ identity, query: logsQueryFor(identity, alert), alert, firstSeen: ledger.firstSeen, lastSeen: ledger.lastSeen });
      ledger.enrich(logs.occurrences);
      if (logs.truncated) notes.push(`Datadog returned more than ${logs.scanned} log events; only those were read.`);
    } catch (err) {
      if (!isActivityFailureOfType(err, 'DatadogAuthError')) throw err;
      notes.push(`Datadog logs unavailable (${causeMessage(err)}): this suggestion is based on the webhook's data alone.`);
    }
    previousRejections = await pastRejections({ workflowId, currentRunId: runId });

    // 2. The repository at the deployed branch.
    enter('cloning');
    const checkout = await cloneRepository({ runKey: workflowId });

    // 3. Claude Code explains the error and edits the clone; the diff is the suggestion.
    enter('proposing');
    fix = await proposeFix({
      runKey: workflowId,
      baseCommit: checkout.commit,
      request: { identity, message: ledger.message || identity.normalizedMessage, samples: ledger.examples, previousRejections },
    });

    // 4. One Slack message per unique error; a human decides.
    enter('awaiting-approval');
    slackRef = await slack.postSuggestion({ status: status() });
    await waitForDecision(settings.approvalTimeoutMs, settings.reminderIntervalMs, () => decision !== undefined, async (n, remainingMs) => {
      await slack.replyInThread({ ref: slackRef!, text: reminderText(remainingMs), dedupeKey: `reminder-${n}` });
    });

    if (!decision) {
      enter('expired');
      await slack.updateSuggestion({ ref: slackRef, status: status() });
      await slack.replyInThread({ ref: slackRef, text: 'No decision was made in time: this suggestion has expired. Rerun it from the CLI if it is still wanted.', dedupeKey: 'expired' });
      return status();
    }
    if (!decision.approved) {
      enter('rejected');
      await slack.updateSuggestion({ ref: slackRef, status: status() });
      return status();
    }
    enter('approved');
    await slack.updateSuggestion({ ref: slackRef, status: status() });
    return status();
  } catch (err) {
    if (isCancellation(err)) throw err;
    failure = causeMessage(err);
    log.error('run failed', { failure });
    enter('failed');
    // On-call hears about a failed run in the same place as a successful one.
    await (slackRef ? slack.updateSuggestion({ ref: slackRef, status: status() }) : slack.postSuggestion({ status: status() })).catch(() => undefined);
    throw ApplicationFailure.create({ type: 'PipelineFailed', message: `Run failed at ${timeline.at(-2)?.stage ?? 'start'}: ${failure}`, nonRetryable: true, cause: err as Error });
  }
}

/** Waits up to `timeoutMs` for `decided`, calling `remind` every `intervalMs` meanwhile. */
async function waitForDecision(timeoutMs: number, intervalMs: number, decided: () => boolean, remind: (n: number, remainingMs: number) => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let n = 1; ; n++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return;
    if (await condition(decided, Math.min(intervalMs, remaining))) return;
    if (deadline - Date.now() > 0) await remind(n, deadline - Date.now());
  }
}

function reminderText(remainingMs: number): string {
  const minutes = Math.round(remainingMs / 60_000);
  const left = minutes < 1 ? 'less than a minute' : minutes === 1 ? 'about a minute' : minutes < 120 ? `about ${minutes} minutes` : `about ${Math.round(minutes / 60)} hours`;
  return `Reminder: this fix is waiting for a decision (Approve or Reject above). It expires in ${left}.`;
}

function isActivityFailureOfType(err: unknown, type: string): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === type;
}

function causeMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
