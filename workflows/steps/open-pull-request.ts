import { ApplicationFailure, CancellationScope, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import type { Run } from '../run-state';
import type { PullRequestCheck, PullRequestRef } from '../domain/types';
import type { AgentInfo } from '../../activities/cursor';
import { pollUntil } from '../poll';
import { githubInert } from '../domain/github-text';
import { evidenceHeadline, type TestEvidence, type TestRunSummary } from '../domain/test-evidence';
import { PipelineFailureType } from '../domain/failures';
import { isTerminalStatus, pullRequestNumber } from '../domain/cursor-agent';

/** The line every pull request of this run carries, so webhooks and look-ups find the run. */
export const markerFor = (workflowId: string) => `Bugfix-Run: ${workflowId}`;

/**
 * Branches and agents are per attempt: a rerun of the same error (a new execution) never reuses an
 * earlier one's, while a reset or a continue-as-new (same first run) finds what it already made.
 */
function runKey(): { workflowId: string; key: string } {
  const { workflowId, runId, firstExecutionRunId } = workflowInfo();
  // Runs started before keys survived a reset keep their run-id keys.
  const attempt = patched('keys-survive-reset') ? firstExecutionRunId : runId;
  return { workflowId, key: `${workflowId}-${attempt.slice(0, 8)}` };
}

/** What the decision allowed: protected files only with a protected-path approver's approval. */
const allowsProtected = (run: Run, decision = run.record.decision) =>
  run.settings.protectedPaths === 'separate-approval' && Boolean(decision?.mayApproveProtected);

/**
 * Turns the approved fix into a pull request, the way FIX_APPLY_MODE says. Returns undefined
 * when nobody opened one within PR_WAIT_TIMEOUT (Cursor in Slack never answered). Throws a
 * CursorAgentFailed ApplicationFailure when the Cursor agent errors or expires.
 */
export async function openFixPullRequest(run: Run, attempt = 1): Promise<OpenedPullRequest | undefined> {
  const { cursor, github, git, slack } = run.act;
  const { workflowId, key } = runKey();
  const { record, settings } = run;
  const fix = record.fix!;
  const marker = markerFor(workflowId);
  const { identity } = run.input;

  switch (settings.applyMode) {
    case 'direct': {
      const branch = `bugfix/${key}`;
      await git.pushFixBranch({
        runKey: key,
        branch,
        diff: fix.diff,
        commitMessage: `Fix ${githubInert(identity.errorType)} in ${githubInert(identity.service)}\n\n${marker}`,
        allowProtected: allowsProtected(run),
      });
      const pr = await github.openPullRequest({
        head: branch,
        base: settings.baseBranch,
        title: githubInert(`Fix ${identity.errorType} in ${identity.service}`).slice(0, 200),
        body: pullRequestBody(run, marker),
        marker,
      });
      return { ref: { number: pr.number, url: pr.url, branch, openedBy: pr.author ?? 'pipeline' } };
    }

    case 'cursor-api': {
      // A retry after a failed agent needs a fresh one: the key names the attempt.
      const launched = await cursor.launchFixAgent({
        workflowId,
        runKey: attempt === 1 ? key : `${key}-${attempt}`,
        ref: settings.baseBranch,
        prompt: {
          fix: {
            workflowId,
            runUrl: run.status().runUrl,
            identity,
            message: run.message(),
            occurrences: run.ledger.examples,
            totalOccurrences: run.ledger.count,
            explanation: fix.explanation,
            diff: fix.diff,
            baseCommit: fix.baseCommit,
            marker,
          },
        },
      });
      await slack.replyInThread({
        ref: record.slack!,
        text: `Cursor agent ${launched.id} is applying the fix${launched.url ? `: ${launched.url}` : ''}.`,
        dedupeKey: 'cursor-launched',
      });
      const agent = await waitForAgent(run, launched.id);
      if (!agent) return undefined;
      if (agent.status !== 'FINISHED' || !agent.prUrl) {
        throw ApplicationFailure.create({
          type: PipelineFailureType.CursorAgentFailed,
          nonRetryable: true,
          message: `Cursor agent ${agent.id} ended ${agent.status}${agent.error ? `: ${agent.error}` : ''} without a pull request`,
        });
      }
      const number = agentPullRequest(agent);
      const pr = await github.getPullRequest({ number });
      const ref = { number, url: pr.url, branch: pr.headRef, openedBy: pr.author ?? 'cursor' };
      const branch =
        agent.branchName && pr.headRef !== agent.branchName
          ? [`its branch is ${pr.headRef}, not the agent's ${agent.branchName}`]
          : [];
      return { ref, ...(await checked(run, number, branch)) };
    }

    case 'cursor-slack': {
      const approvedAt = record.decision!.at;
      await slack.replyInThread({
        ref: record.slack!,
        text: `Approved. To have Cursor open the pull request, reply in this thread mentioning @Cursor, for example: "@Cursor apply the diff above and open a pull request, with the line \`${marker}\` in its description".`,
        dedupeKey: 'cursor-invite',
      });
      const pr = await pollUntil(run, settings.prWaitTimeoutMs, () =>
        github.findPullRequest({ marker, headPrefix: 'cursor/', since: approvedAt }),
      );
      if (!pr) return undefined;
      const replies = await slack.threadReplies({ ref: record.slack! });
      const asker = replies.find((r) => !r.botId && r.user && /@cursor|<@[A-Z0-9]+>/i.test(r.text));
      const ref = {
        number: pr.number,
        url: pr.url,
        branch: pr.headRef,
        openedBy: pr.author ?? 'cursor',
        ...(asker?.user ? { requestedBy: asker.user } : {}),
      };
      return { ref, ...(await checked(run, pr.number, [])) };
    }
  }
}

/** The fix's pull request; `check` says how one opened by Cursor differs from the approved diff. */
export interface OpenedPullRequest {
  ref: PullRequestRef;
  check?: PullRequestCheck;
}

/**
 * Compares a pull request Cursor opened with the approved fix: the same repository, the expected
 * branch, the same changes. Runs from before this check adopted the pull request as it was.
 */
async function checked(run: Run, number: number, more: string[]): Promise<{ check?: PullRequestCheck }> {
  if (!patched('compare-cursor-pull-request')) return {};
  const check = await run.act.github.comparePullRequest({ number, approvedDiff: run.record.fix!.diff });
  return { check: { ...check, differences: [...more, ...check.differences] } };
}

/** Opens the revert of a merged fix, after a second approval. */
export async function openRevertPullRequest(run: Run): Promise<PullRequestRef | undefined> {
  const { cursor, github, git } = run.act;
  const { workflowId, key } = runKey();
  const { record, settings } = run;
  const pr = record.pullRequest!;
  const marker = markerFor(workflowId);
  const reason = `the error came back after the fix was deployed (${record.verification?.recurrences ?? 0} occurrences in the verification window)`;
  if (settings.applyMode === 'direct') {
    const branch = `bugfix/revert-${key}`;
    await git.pushRevertBranch({
      runKey: key,
      branch,
      diff: record.fix!.diff,
      commitMessage: `Revert fix from #${pr.number}: ${reason}\n\n${marker}`,
      allowProtected: allowsProtected(run, record.revertDecision),
    });
    const opened = await github.openPullRequest({
      head: branch,
      base: settings.baseBranch,
      title: `Revert #${pr.number}: ${githubInert(run.input.identity.errorType)} came back`.slice(0, 200),
      body: `Reverts #${pr.number}: ${reason}.\n\nRun: ${run.status().runUrl}\n\n${marker}`,
      marker,
    });
    return { number: opened.number, url: opened.url, branch, openedBy: opened.author ?? 'pipeline' };
  }
  const launched = await cursor.launchFixAgent({
    workflowId,
    runKey: `${key}-revert`,
    ref: settings.baseBranch,
    prompt: {
      revert: {
        workflowId,
        runUrl: run.status().runUrl,
        prNumber: pr.number,
        prUrl: pr.url,
        mergeCommitSha: pr.mergeCommitSha ?? '',
        reason,
        marker,
      },
    },
  });
  const agent = await waitForAgent(run, launched.id);
  if (!agent?.prUrl) return undefined;
  const number = agentPullRequest(agent);
  const opened = await github.getPullRequest({ number });
  return { number, url: opened.url, branch: opened.headRef, openedBy: opened.author ?? 'cursor' };
}

/** The number of the PR a finished agent reports; an answer that is not a PR URL fails the step loudly, never as `NaN`. */
function agentPullRequest(agent: { id: string; prUrl?: string }): number {
  const number = pullRequestNumber(agent.prUrl ?? '');
  if (number === undefined) {
    throw ApplicationFailure.create({
      type: PipelineFailureType.CursorAgentFailed,
      nonRetryable: true,
      message: `Cursor agent ${agent.id} reported ${JSON.stringify(agent.prUrl ?? '')}, which is not a pull request URL`,
    });
  }
  return number;
}

/** Polls the agent until it ends; a run cancelled meanwhile stops the agent, so it opens no pull request for nobody. */
async function waitForAgent(run: Run, id: string): Promise<AgentInfo | undefined> {
  const { cursor } = run.act;
  try {
    return await pollUntil(run, run.settings.prWaitTimeoutMs, async () => {
      const a = await cursor.getAgent({ id });
      return isTerminalStatus(a.status) ? a : undefined;
    });
  } catch (err) {
    if (isCancellation(err))
      await CancellationScope.nonCancellable(() => cursor.stopAgent({ id })).catch(() => undefined);
    throw err;
  }
}

function pullRequestBody(run: Run, marker: string): string {
  const s = run.status();
  return [
    `Fixes \`${githubInert(s.identity.errorType)}\` in **${githubInert(s.identity.service)}**, seen ${s.occurrences} times (first ${s.firstSeen}, last ${s.lastSeen}).`,
    '',
    '> ' + githubInert(s.message).replace(/\n/g, '\n> '),
    '',
    ...testEvidenceSection(run.record.fix!.tests),
    '## Explanation (Claude Code)',
    githubInert(run.record.fix!.explanation),
    '',
    `Approved in Slack by ${githubInert(s.decision?.userName ?? 'unknown')} at ${s.decision?.at ?? ''}.`,
    `Temporal run: ${s.runUrl}`,
    '',
    marker,
  ].join('\n');
}

/** The regression test's evidence, for reviewers: the approver saw the same line in Slack. */
function testEvidenceSection(tests: TestEvidence | undefined): string[] {
  if (!tests) return [];
  const row = (name: string, t: TestRunSummary | undefined) =>
    t
      ? `| ${name} | ${t.passed ?? '–'} | ${t.failed ?? '–'} | ${t.timedOut ? 'timed out' : t.exitCode} | ${(t.durationMs / 1000).toFixed(1)} s |`
      : `| ${name} | – | – | not run | – |`;
  const inline = (s: string) => githubInert(s).replace(/`/g, "'");
  return [
    '## Regression test (sandboxed)',
    githubInert(evidenceHeadline(tests)),
    '',
    ...(tests.command
      ? [
          `Test command \`${inline(tests.command)}\` on \`${tests.commit.slice(0, 12)}\`, no network, no secrets:`,
          '',
          '| run | passed | failed | exit | time |',
          '| --- | --- | --- | --- | --- |',
          row('deployed commit', tests.baseline),
          row('with the regression test only', tests.reproduction),
          row('with the fix', tests.withFix),
          '',
        ]
      : []),
    ...(tests.failureExcerpt ? ['```', githubInert(tests.failureExcerpt).replace(/```/g, '` ` `'), '```', ''] : []),
  ];
}
