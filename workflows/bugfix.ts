/**
 * One run per unique production error, from the alert to a fix verified in production.
 * Read top to bottom, this is the pipeline: logs, clone, Claude Code's fix, a human
 * decision in Slack, a pull request, review, merge, deployment, verification, and a
 * revert (after a second approval) if the error came back. Every wait is durable and
 * bounded by the run's settings; the steps' details live in ./steps.
 */
import { ApplicationFailure, condition, isCancellation, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { decideUpdate, externalEventSignal, occurrencesSignal, statusQuery } from './domain/messages';
import { ERROR_TYPE, FINGERPRINT, SERVICE } from './domain/search-attributes';
import type { BugfixInput, RunStatus } from './domain/run-status';
import { logsQueryFor } from './logs-query';
import { RunState } from './run-state';
import type { PullRequestRef } from './domain/types';
import { datadog, git, slack, temporal } from './activity-stubs';
import { openFixPullRequest, openRevertPullRequest } from './steps/open-pull-request';
import { waitForDeployment, waitForMerge } from './steps/track-release';
import { verifyInProduction } from './steps/verify-fix';
import { logSearchNotes, runSummary } from './run-summary';
import { recurrenceSources } from './domain/log-report';
import { ClaudeFailureType, DatadogFailureType, GitFailureType, PipelineFailureType, isFailureOfType } from './domain/failures';

export async function bugfixWorkflow(input: BugfixInput): Promise<RunStatus> {
  const state = new RunState(input);
  const { identity, settings } = input;
  const { workflowId, runId } = workflowInfo();
  const { proposeFix } = proxyActivities<PipelineActivities>({
    startToCloseTimeout: settings.claudeTimeoutMs + 120_000,
    heartbeatTimeout: '30s',
    retry: { initialInterval: '5s', maximumAttempts: 3, nonRetryableErrorTypes: [GitFailureType.Auth, GitFailureType.NotFound, GitFailureType.Config, ClaudeFailureType.WorkingTreeMismatch] },
  });

  setHandler(occurrencesSignal, (batch) => {
    if (state.ledger.add(batch) && batch.alert) state.alert ??= batch.alert;
  });
  setHandler(externalEventSignal, (event) => state.notice(event));
  setHandler(statusQuery, () => state.status());
  setHandler(
    decideUpdate,
    (d) => {
      const recorded = { ...d, at: new Date().toISOString() };
      if (state.stage === 'awaiting-revert-approval') state.revertDecision = recorded;
      else if (state.stage === 'awaiting-retry') state.retryDecision = recorded;
      else state.decision = recorded;
      return recorded;
    },
    {
      validator: (d) => {
        if (!d.userId) throw new Error('A decision needs the deciding user');
        const earlier = state.stage === 'awaiting-revert-approval' ? state.revertDecision : state.stage === 'awaiting-retry' ? state.retryDecision : state.decision;
        if (earlier) throw new Error(`Already ${earlier.approved ? 'approved' : 'rejected'} by ${earlier.userName} at ${earlier.at}`);
        if (!['awaiting-approval', 'awaiting-revert-approval', 'awaiting-retry'].includes(state.stage)) throw new Error(`This run is not waiting for a decision (stage: ${state.stage})`);
      },
    },
  );

  upsertSearchAttributes([
    { key: FINGERPRINT, value: identity.fingerprint },
    { key: SERVICE, value: identity.service },
    { key: ERROR_TYPE, value: identity.errorType },
  ]);
  state.enter('collecting');
  const update = () => slack.updateSuggestion({ ref: state.slack!, status: state.status() });
  const finish = async (stage: RunStatus['stage']) => {
    state.enter(stage);
    if (state.slack) {
      await update();
      await slack.replyInThread({ ref: state.slack, text: runSummary(state), dedupeKey: `summary-${runId}` });
    }
    return state.status();
  };

  try {
    // 1. Logs: stack, URL, user and trace ids from Datadog. Without access, go on with the webhook's data.
    try {
      const logs = await datadog.fetchOccurrenceLogs({ identity, query: logsQueryFor(identity, state.alert), alert: state.alert, firstSeen: state.ledger.firstSeen, lastSeen: state.ledger.lastSeen });
      state.ledger.enrich(logs.occurrences);
      if (logs.report) state.logs = logs.report;
      state.notes.push(...logSearchNotes(logs));
    } catch (err) {
      if (!isFailureOfType(err, DatadogFailureType.Auth)) throw err;
      state.notes.push(`Datadog logs unavailable (${causeMessage(err)}): this suggestion is based on the webhook's data alone.`);
    }
    state.previousRejections = await temporal.pastRejections({ workflowId, currentRunId: runId });

    // 2. The repository at the deployed branch.
    state.enter('cloning');
    const checkout = await git.cloneRepository({ runKey: workflowId });

    // 3. Claude Code explains the error and edits a clone; the diff is the suggestion.
    state.enter('proposing');
    state.fix = await proposeFix({
      runKey: workflowId,
      baseCommit: checkout.commit,
      request: { identity, message: state.message(), samples: state.ledger.examples, previousRejections: state.previousRejections },
    });

    // 4. One Slack message per unique error; a human decides.
    state.enter('awaiting-approval');
    state.slack = await slack.postSuggestion({ status: state.status() });
    await waitForDecision(state, () => state.decision !== undefined);
    if (!state.decision) {
      await slack.replyInThread({ ref: state.slack, text: 'No decision was made in time: this suggestion has expired. Rerun it from the CLI if it is still wanted.', dedupeKey: 'expired' });
      return await finish('expired');
    }
    if (!state.decision.approved) return await finish('rejected');
    state.enter('approved');
    await update();

    // 5. The fix becomes a pull request: pushed by the pipeline, or opened by Cursor.
    state.enter('opening-pr');
    const pr = await openPullRequestWithRetries(state);
    if (!pr) return await finish('stalled');
    state.pullRequest = pr;
    await slack.replyInThread({ ref: state.slack, text: `Pull request opened: ${pr.url}`, dedupeKey: `pr-${pr.number}` });

    // 6. Review and merge, tracked by webhook and by polling.
    state.enter('awaiting-merge');
    await update();
    const merge = await waitForMerge(state);
    if (merge === 'closed') return await finish('closed-unmerged');
    if (merge === 'stalled') return await finish('stalled');

    // 7. A successful deployment of the merge commit.
    state.enter('awaiting-deploy');
    await update();
    state.deployment = await waitForDeployment(state);
    if (!state.deployment) return await finish('stalled');

    // 8. Did the error stop? Watch production for the same fingerprint.
    state.enter('verifying');
    await update();
    state.verification = await verifyInProduction(state);
    if (state.verification.verdict === 'verified-fixed') return await finish('verified-fixed');

    // 9. It came back: say so, and revert after a second approval.
    state.enter('awaiting-revert-approval');
    await update();
    await slack.replyInThread({ ref: state.slack, text: regressionText(state), dedupeKey: 'regressed' });
    await waitForDecision(state, () => state.revertDecision !== undefined);
    if (!state.revertDecision?.approved) return await finish('regressed');
    state.revertPullRequest = await openRevertPullRequest(state);
    if (state.revertPullRequest) await slack.replyInThread({ ref: state.slack, text: `Revert pull request opened: ${state.revertPullRequest.url}`, dedupeKey: 'revert-pr' });
    return await finish(state.revertPullRequest ? 'reverted' : 'regressed');
  } catch (err) {
    if (isCancellation(err)) throw err;
    const failedAt = state.stage;
    state.failure = causeMessage(err);
    log.error('run failed', { failure: state.failure, stage: failedAt });
    state.enter('failed');
    // On-call hears about a failed run in the same place as a successful one.
    await (state.slack ? update() : slack.postSuggestion({ status: state.status() })).catch(() => undefined);
    throw ApplicationFailure.create({ type: PipelineFailureType.Failed, message: `Run failed at ${failedAt}: ${state.failure}`, nonRetryable: true, cause: err as Error });
  }
}

/**
 * The PR step; when a Cursor agent errors or expires, the thread says so and a human may
 * retry (a fresh agent) or give up, with the same buttons or the CLI's approve / reject.
 */
async function openPullRequestWithRetries(state: RunState): Promise<PullRequestRef | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openFixPullRequest(state, attempt);
    } catch (err) {
      if (!isFailureOfType(err, PipelineFailureType.CursorAgentFailed)) throw err;
      state.retryDecision = undefined;
      state.notes.push(err.message);
      state.enter('awaiting-retry');
      await slack.updateSuggestion({ ref: state.slack!, status: state.status() });
      await slack.replyInThread({ ref: state.slack!, text: `${err.message}. Retry it with the Retry button above (or \`npm run bugfix -- approve ${workflowInfo().workflowId}\`), or give up.`, dedupeKey: `agent-failed-${attempt}` });
      const answer = () => state.retryDecision; // set by the decide update while we wait
      await waitForDecision(state, () => answer() !== undefined);
      if (!answer()?.approved) throw err;
      state.enter('opening-pr');
    }
  }
}

/** Waits up to APPROVAL_TIMEOUT for a decision, reminding in the thread every APPROVAL_REMINDER_INTERVAL. */
async function waitForDecision(state: RunState, decided: () => boolean): Promise<void> {
  const { approvalTimeoutMs, reminderIntervalMs } = state.settings;
  const deadline = Date.now() + approvalTimeoutMs;
  for (let n = 1; ; n++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return;
    if (await condition(decided, Math.min(reminderIntervalMs, remaining))) return;
    const left = deadline - Date.now();
    if (left > 0) await slack.replyInThread({ ref: state.slack!, text: reminderText(left), dedupeKey: `reminder-${state.stage}-${n}` });
  }
}

function reminderText(remainingMs: number): string {
  const minutes = Math.round(remainingMs / 60_000);
  const left = minutes < 1 ? 'less than a minute' : minutes === 1 ? 'about a minute' : minutes < 120 ? `about ${minutes} minutes` : `about ${Math.round(minutes / 60)} hours`;
  return `Reminder: this fix is waiting for a decision (Approve or Reject above). It expires in ${left}.`;
}

function regressionText(state: RunState): string {
  const v = state.verification!;
  const samples = v.samples.map((o) => `• ${o.at} ${o.message.slice(0, 200)}${o.url ? ` (${o.url})` : ''}`).join('\n');
  return [
    `The error came back after the deploy: ${v.recurrences} occurrence(s) between ${v.from} and ${v.to} (${v.ratePerHourAfter}/h after, ${v.ratePerHourBefore}/h before)${recurrenceSources(v) ? `; ${recurrenceSources(v)}` : ''}.`,
    samples,
    'Approve the revert above to open a pull request that takes the fix back out, or keep the fix.',
  ].filter(Boolean).join('\n');
}

function causeMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
