/**
 * One run per unique production error, from the alert to a fix verified in production.
 * Read top to bottom, this is the pipeline: logs, clone, Claude Code's fix, a human
 * decision in Slack, a pull request, review, merge, deployment, verification, and a
 * revert (after a second approval) if the error came back. Every write to the run's record
 * is in this file (but for escalations, steps/escalate.ts: who was told); the other steps in ./steps
 * read the run and return what they found. Every wait
 * is durable and bounded by the run's settings.
 */
import {
  ApplicationFailure,
  ContinueAsNew,
  isCancellation,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  decideUpdate,
  externalEventSignal,
  occurrenceBatchesSignal,
  occurrencesSignal,
  relatedErrorSignal,
  statusQuery,
} from './domain/messages';
import { ERROR_TYPE, FINGERPRINT, SERVICE, TOP_FRAME } from './domain/search-attributes';
import { parseErrorStack, topFrameKeys } from './domain/identity/fingerprint';
import type { EscalationReason } from './domain/escalation';
import { escalations } from './steps/escalate';
import { triageExampleFrom, triageLine, triageSignals, wantsFix } from './domain/triage';
import type { BugfixInput, RunStatus } from './domain/run-status';
import type { OccurrenceBatch, Stage } from './domain/types';
import {
  DatadogFailureType,
  PipelineFailureType,
  SandboxFailureType,
  causeMessage,
  isFailureOfType,
} from './domain/failures';
import {
  acceptable,
  evidenceFeedback,
  evidenceHeadline,
  notRun,
  productionErrorWords,
  type TestEvidence,
} from './domain/test-evidence';
import { escapeText } from './domain/slack-text';
import { refusalOf } from './domain/fix-policy';
import { Run, stackOf } from './run-state';
import { logsQueryFor } from './logs-query';
import { openFixPullRequest, openRevertPullRequest, type OpenedPullRequest } from './steps/open-pull-request';
import { waitForDeployment, waitForMerge } from './steps/track-release';
import { verifyInProduction } from './steps/verify-fix';
import { withinCostBounds } from './steps/cost-bounds';
import { logSearchNotes, runSummary } from './run-summary';
import { answerTo } from './steps/answer';
import { causedErrorsText, differsText, regressionDetail, regressionText, rollbackText } from './thread-texts';
import { causedErrors, measureImpact, trackRollback } from './steps/rollback';
import { JIRA_STAGE_OF, jiraComment } from './jira-texts';

export async function bugfixWorkflow(input: BugfixInput): Promise<RunStatus> {
  const run = new Run(input);
  const r = run.record;
  const { identity, settings } = input;
  const { runId } = workflowInfo();
  const { slack, datadog, git, temporal } = run.act;
  const { proposeFix } = run.act.claude;

  const addOccurrences = (batch: OccurrenceBatch) => {
    if (!run.ledger.add(batch)) return;
    if (batch.alert) r.alert ??= batch.alert;
    // A Jira issue that started (or joined) this run hears of its progress.
    if (batch.jira) r.jira ??= batch.jira;
    if (batch.debt) r.debt ??= batch.debt;
  };
  setHandler(occurrencesSignal, addOccurrences);
  // Handlers issue no commands: a new one leaves every earlier history replaying as it did, no patch needed.
  setHandler(occurrenceBatchesSignal, (batches) => {
    for (const batch of batches) addOccurrences(batch);
  });
  setHandler(externalEventSignal, (event) => run.notice(event));
  setHandler(relatedErrorSignal, (related) => run.relate(related));
  setHandler(statusQuery, () => run.status());
  setHandler(decideUpdate, (d) => run.answer(d), {
    validator: (d) => {
      const refused = run.refuseDecision(d);
      if (refused) throw refused;
    },
  });

  upsertSearchAttributes([
    { key: FINGERPRINT, value: identity.fingerprint },
    { key: SERVICE, value: identity.service },
    { key: ERROR_TYPE, value: identity.errorType },
  ]);
  // Triage (TRIAGE=on; runs started before it skip it): classify before spending a fix, learn from people's answers.
  const triage = settings.triage && patched('triage') ? settings.triage : undefined;
  // Escalation to people (runs started before it only reported in Slack).
  const escalating = patched('escalation');
  // A run that continued as new picks up where it was; every step below skips what is already done.
  if (input.resume) run.mirror();
  else run.enter('collecting');

  /** The Slack message re-renders from the run's status, which the activity reads itself. */
  const refreshSlack = () =>
    slack.updateSuggestion({ ref: r.slack!, run: { workflowId: workflowInfo().workflowId, runId } });
  /** One call moves the run on and brings its Slack message up to date. */
  const advance = async (stage: Stage) => {
    run.enter(stage);
    // Runs started before Slack was refreshed on every stage did not refresh it when opening the PR.
    if (r.slack && (stage !== 'opening-pr' || patched('refresh-slack-when-opening-pr'))) await refreshSlack();
    await tellJira(stage);
  };
  /** A comment (and the configured transition) on the run's Jira issue; Jira being down never holds the run up. */
  const tellJira = async (stage: Stage) => {
    const jiraStage = JIRA_STAGE_OF[stage];
    if (!r.jira || !jiraStage) return;
    try {
      const { status } = await run.act.jira.updateJiraIssue({
        key: r.jira.key,
        stage: jiraStage,
        text: jiraComment(run.status(), jiraStage),
      });
      if (status) r.jira.status = status;
    } catch (err) {
      if (isCancellation(err)) throw err;
      r.notes.push(`Jira issue ${r.jira.key} was not updated (${jiraStage}): ${causeMessage(err)}`);
    }
  };
  /** `advance`, unless the run is there already (it resumed in that stage). */
  const reach = async (stage: Stage) => {
    if (r.stage !== stage) await advance(stage);
  };
  const finish = async (stage: Stage) => {
    // An escalated run entered its stage before telling the owners, so the message they see shows it.
    if (r.stage !== stage) await advance(stage);
    else {
      if (r.slack) await refreshSlack();
      await tellJira(stage);
    }
    // A run that ends before asking anyone (a refused fix) still reports in Slack.
    r.slack ??= await slack.postSuggestion({ status: run.status() });
    await slack.replyInThread({
      ref: r.slack,
      text: runSummary(run),
      dedupeKey: `summary-${workflowInfo().firstExecutionRunId}`,
    });
    return run.status();
  };
  const { escalate, unanswered, resolvePage } = escalations(run, escalating);
  /** Not for a code fix: the run ends, and the owners hear why. */
  const escalated = async (reason: EscalationReason, detail: string) => {
    run.enter('escalated');
    await escalate(reason, detail);
    return await finish('escalated');
  };
  /** A run that ends refused: reported, and its owners told. */
  const refused = async (detail: string) => {
    r.notes.push(detail);
    const status = await finish('refused');
    if (!escalating) return status;
    await escalate('checks-failed', detail);
    return run.status();
  };

  try {
    if (!r.fix) {
      // 1. Logs: stack, URL, user and trace ids from Datadog. Without access, go on with the webhook's data.
      //    A technical-debt item has no production error to look up.
      if (r.debt) {
        r.notes.push(
          'A technical-debt item from a scan: no production logs; after the deploy only new errors are watched.',
        );
      } else {
        try {
          const logs = await datadog.fetchOccurrenceLogs({
            identity,
            query: logsQueryFor(identity, r.alert),
            alert: r.alert,
            firstSeen: run.ledger.firstSeen,
            lastSeen: run.ledger.lastSeen,
          });
          run.ledger.enrich(logs.occurrences);
          if (logs.report) r.logs = logs.report;
          r.notes.push(...logSearchNotes(logs));
        } catch (err) {
          if (!isFailureOfType(err, DatadogFailureType.Auth)) throw err;
          r.notes.push(
            `Datadog logs unavailable (${causeMessage(err)}): this suggestion is based on the webhook's data alone.`,
          );
        }
      }

      // 2. Triage: an open run of the same root cause takes this error over; a non-code error goes to people.
      if (triage && !r.triage && !r.debt) {
        // Same root cause, different message: the same service, error type and top in-app frame (from the logs' stack when
        // the webhook had none), another fingerprint. The oldest open run takes it.
        const stack = stackOf(run);
        const topFrame = identity.topFrames[0] ?? topFrameKeys(parseErrorStack(stack))[0];
        if (topFrame) upsertSearchAttributes([{ key: TOP_FRAME, value: topFrame }]);
        const related =
          topFrame &&
          (await temporal.findRelatedRun({
            identity,
            topFrame,
            workflowId: workflowInfo().workflowId,
            startedAt: workflowInfo().startTime.toISOString(),
          }));
        if (related) {
          await temporal.joinRelatedRun({ target: related.workflowId, related: run.asRelated() });
          r.joined = related;
          r.notes.push(`Same root cause as ${related.workflowId}: joined that run, no fix of its own.`);
          run.enter('joined');
          return run.status();
        }
        await advance('triaging');
        // A classifier that cannot answer costs the run its triage, not the fix.
        const triaged = await run.act.triage
          .classifyError({
            identity,
            message: run.message(),
            ...(stack ? { stack } : {}),
            signals: triageSignals({
              count: run.ledger.count,
              firstSeen: run.ledger.firstSeen,
              lastSeen: run.ledger.lastSeen,
              users: run.ledger.userIds.length,
            }),
          })
          .catch((err: unknown) => {
            if (isCancellation(err)) throw err;
            r.notes.push(`Triage unavailable (${causeMessage(err)}): going on to a fix without it.`);
            return undefined;
          });
        if (triaged) {
          r.triage = triaged;
          run.mirror();
          if (!wantsFix(triaged, triage.minConfidence)) {
            r.notes.push(`Triage: ${triageLine(triaged)}. No fix attempted.`);
            return await escalated('not-fixable-by-code', triaged.rationale);
          }
        }
      } else if (!triage && !r.debt && patched('top-frame-without-triage')) {
        // Without triage the top frame is still the run's search attribute: the debt scans relate items to it.
        const topFrame = identity.topFrames[0] ?? topFrameKeys(parseErrorStack(stackOf(run)))[0];
        if (topFrame) upsertSearchAttributes([{ key: TOP_FRAME, value: topFrame }]);
      }

      r.previousRejections = await temporal.pastRejections({
        workflowId: workflowInfo().workflowId,
        currentRunId: runId,
      });

      // 3. The repository at the deployed branch.
      await advance('cloning');
      const checkout = await git.cloneRepository({ runKey: workflowInfo().workflowId });

      // Cost bounds: no new proposal right after a no for this error, none over the day's budget.
      if (settings.budget && patched('cost-bounds') && !(await withinCostBounds(run, advance))) {
        r.notes.push('Stopped by an operator before Claude Code ran.');
        return await finish('rejected');
      }

      // 4. Claude Code writes a regression test and the fix in a clone; the diff is the suggestion. The sandbox
      //    runs the tests on the deployed commit, with the new test, and with the fix: a fix they send back gets
      //    another attempt, told why (VERIFY_TEST_ATTEMPTS).
      const tests =
        settings.tests && settings.tests.policy !== 'off' && patched('regression-tests') ? settings.tests : undefined;
      let testFeedback: string | undefined;
      for (let attempt = 1; ; attempt++) {
        await reach('proposing');
        r.fix = await proposeFix({
          // A retry's checkout is its own, even while a crashed earlier session may still hold the first.
          runKey: attempt > 1 ? `${workflowInfo().workflowId}-retry-${attempt}` : workflowInfo().workflowId,
          baseCommit: checkout.commit,
          request: {
            identity,
            message: run.message(),
            samples: run.ledger.examples,
            previousRejections: r.previousRejections,
            ...(testFeedback ? { testFeedback } : {}),
          },
        });
        if (!tests || !r.fix.diff || refusalOf(r.fix, settings)) break;
        await advance('testing');
        r.fix = { ...r.fix, attempt, tests: await testFix(run, r.fix.diff) };
        if (acceptable(r.fix.tests!, tests.policy) || attempt >= tests.maxAttempts) break;
        testFeedback = evidenceFeedback(r.fix.tests!);
        r.notes.push(`Attempt ${attempt} was sent back by its tests: ${evidenceHeadline(r.fix.tests!)}`);
      }
      if (!r.fix.diff && !r.fix.oversized) await escalate('no-fix', 'Claude Code proposed no change');
      if (tests?.policy === 'require' && r.fix.tests?.verdict !== 'reproduced' && !refusalOf(r.fix, settings))
        return await refused(
          `VERIFY_TEST_POLICY=require: no test reproduces the error with this fix (${r.fix.tests ? evidenceHeadline(r.fix.tests) : 'no change to test'}), so it is not offered for approval.`,
        );

      // A fix nobody may approve here (protected files, too large) is reported, never offered.
      const refusal = refusalOf(r.fix, settings);
      if (refusal) return await refused(refusal);
    }

    // 5. One Slack message per unique error; a human decides. The answer teaches the triage.
    if (!r.slack) {
      await advance('awaiting-approval');
      r.slack = await slack.postSuggestion({ status: run.status() });
    }
    if (!r.decision) {
      r.decision = await answerTo(run, 'approve-fix', await unanswered());
      if (r.decision) await resolvePage();
      if (!r.decision) {
        await slack.replyInThread({
          ref: r.slack,
          text: 'No decision was made in time: this suggestion has expired. Rerun it from the CLI if it is still wanted.',
          dedupeKey: 'expired',
        });
        return await finish('expired');
      }
      if (triage)
        await temporal.recordTriageExample({
          service: identity.service,
          example: triageExampleFrom(identity, run.message(), r.decision, r.triage),
        });
      if (r.decision.correction)
        return await escalated('not-fixable-by-code', `${r.decision.userName} says it is not a code bug`);
      if (!r.decision.approved) return await finish('rejected');
      await advance('approved');
    }

    // 6. The fix becomes a pull request: pushed by the pipeline, or opened by Cursor.
    if (!r.pullRequest) {
      await reach('opening-pr');
      const opened = await openPullRequestWithRetries(run, advance);
      if (!opened) return await finish('stalled');
      const pr = opened.ref;
      // Only the right pull request: one that differs from the approved fix is shown, and needs approving again.
      if (opened.check) r.pullRequestCheck = opened.check;
      if (opened.check?.differences.length) {
        await advance('awaiting-pr-approval');
        await slack.replyInThread({
          ref: r.slack,
          text: differsText(pr, opened.check),
          dedupeKey: `differs-${pr.number}`,
        });
        r.adoptDecision = await answerTo(run, 'adopt-pull-request');
        if (!r.adoptDecision?.approved) {
          r.notes.push(`Pull request #${pr.number} differs from the approved fix and was not adopted.`);
          return await finish('stalled');
        }
      }
      r.pullRequest = pr;
      await slack.replyInThread({ ref: r.slack, text: `Pull request opened: ${pr.url}`, dedupeKey: `pr-${pr.number}` });
    }

    // 7. Review and merge, tracked by webhook and by polling.
    if (!run.enteredAt('awaiting-deploy')) {
      await reach('awaiting-merge');
      const merge = await waitForMerge(run, (review) => (r.review = review));
      r.pullRequest = merge.pullRequest;
      if (merge.outcome === 'closed') return await finish('closed-unmerged');
      if (merge.outcome === 'stalled') return await finish('stalled');
    }

    // 8. A successful deployment of the merge commit.
    if (!r.deployment) {
      await reach('awaiting-deploy');
      r.deployment = await waitForDeployment(run);
      if (!r.deployment) return await finish('stalled');
    }

    // 9. Did the error stop? Watch production for the same error, and for new errors the fix may have caused.
    const watching = settings.rollback && patched('caused-errors') ? settings.rollback : undefined;
    if (!r.verification) {
      await reach('verifying');
      r.verification = await verifyInProduction(run);
      if (r.verification.logsUnavailable)
        r.notes.push('Verification used webhook sightings only: Datadog logs were unavailable.');
      if (settings.impact && patched('fix-impact')) r.impact = await measureImpact(run);
      if (watching) {
        const caused = await causedErrors(run);
        if (caused.length) r.causedErrors = caused;
      }
      if (r.verification.verdict === 'verified-fixed' && !r.causedErrors) return await finish('verified-fixed');
    }

    // 10. It came back, or it broke something else: revert, after a second approval, or at once when the fix caused
    //     new errors and ROLLBACK_POLICY=auto. The revert is then followed to production like a fix.
    const automatic = watching?.policy === 'auto' && Boolean(r.causedErrors);
    if (!r.revertPullRequest) {
      if (automatic) {
        if (r.stage !== 'reverting') await advance('reverting');
        await slack.replyInThread({ ref: r.slack, text: causedErrorsText(run, 'auto'), dedupeKey: 'caused-errors' });
      } else {
        if (r.stage !== 'awaiting-revert-approval') {
          await advance('awaiting-revert-approval');
          const text = r.causedErrors ? causedErrorsText(run, 'ask') : regressionText(run);
          await slack.replyInThread({ ref: r.slack, text, dedupeKey: 'regressed' });
          await escalate('regression', regressionDetail(run));
        }
        r.revertDecision = await answerTo(run, 'approve-revert');
        if (!r.revertDecision?.approved) return await finish('regressed');
      }
      r.revertPullRequest = await openRevertPullRequest(run);
      if (!r.revertPullRequest) return await finish('regressed');
      await slack.replyInThread({
        ref: r.slack,
        text: `Revert pull request opened: ${r.revertPullRequest.url}`,
        dedupeKey: 'revert-pr',
      });
      if (watching) {
        r.rollback = {
          policy: automatic ? 'auto' : 'ask',
          reason: r.causedErrors ? 'caused-errors' : 'regression',
          startedAt: new Date().toISOString(),
        };
        if (automatic) await escalate('regression', regressionDetail(run));
      }
    }
    if (r.rollback) {
      if (r.stage !== 'verifying-revert') await reach('reverting');
      r.rollback = await trackRollback(run, r.rollback, advance);
      await slack.replyInThread({ ref: r.slack, text: rollbackText(r.rollback), dedupeKey: 'rollback-result' });
      // A revert that never reached production left the fix there: the run ends regressed, not reverted.
      if (!r.rollback.deployment && patched('undeployed-revert-regressed')) return await finish('regressed');
    }
    return await finish('reverted');
  } catch (err) {
    if (isCancellation(err) || err instanceof ContinueAsNew) throw err;
    const failedAt = r.stage;
    r.failure = causeMessage(err);
    log.error('run failed', { failure: r.failure, stage: failedAt });
    run.enter('failed');
    // On-call hears about a failed run in the same place as a successful one.
    await (r.slack ? refreshSlack() : slack.postSuggestion({ status: run.status() })).catch(() => undefined);
    throw ApplicationFailure.create({
      type: PipelineFailureType.Failed,
      message: `Run failed at ${failedAt}: ${r.failure}`,
      nonRetryable: true,
      cause: err as Error,
    });
  }
}

/**
 * The PR step; when a Cursor agent errors or expires, the thread says so and a human may
 * retry (a fresh agent) or give up, with the same buttons or the CLI's approve / reject.
 */
async function openPullRequestWithRetries(
  run: Run,
  advance: (stage: Stage) => Promise<void>,
): Promise<OpenedPullRequest | undefined> {
  const { slack } = run.act;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openFixPullRequest(run, attempt);
    } catch (err) {
      if (!isFailureOfType(err, PipelineFailureType.CursorAgentFailed)) throw err;
      run.record.notes.push(err.message);
      await advance('awaiting-retry');
      const { workflowId } = workflowInfo();
      await slack.replyInThread({
        ref: run.record.slack!,
        text: `${escapeText(err.message)}. Retry it with the Retry button above (or \`npm run bugfix -- approve ${workflowId}\`), or give up.`,
        dedupeKey: `agent-failed-${attempt}`,
      });
      if (!(await answerTo(run, 'retry-pull-request'))?.approved) throw err;
      await advance('opening-pr');
    }
  }
}

/** The sandboxed test runs; a worker without the sandbox makes them "not run", never unconfined. */
async function testFix(run: Run, diff: string): Promise<TestEvidence> {
  const { identity } = run.input;
  try {
    return await run.act.sandbox.runRegressionTests({
      runKey: workflowInfo().workflowId,
      diff,
      errorWords: productionErrorWords(identity.errorType, run.message()),
    });
  } catch (err) {
    if (!isFailureOfType(err, SandboxFailureType.Unavailable)) throw err;
    return notRun(run.record.fix?.baseCommit ?? '', causeMessage(err));
  }
}
