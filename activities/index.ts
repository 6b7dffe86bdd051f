import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import { statusQuery } from '../workflows/domain/messages';
import type { RunStatus } from '../workflows/domain/run-status';
import type { FixSuggestion, SlackMessageRef } from '../workflows/domain/types';
import { createClaudeActivities, type FixRequest } from './claude';
import { createDatadogActivities } from './datadog';
import { fetchOccurrenceLogs, type FetchOccurrenceLogsInput } from './datadog/fetch-occurrence-logs';
import { findNewErrors, type FindNewErrorsInput } from './datadog/find-new-errors';
import { createGitActivities, removeCheckout, type FetchedBranch } from './git';
import { withoutCredentials } from './git/remote-auth';
import { webhookTargetSignature } from '../workflows/domain/webhook-target';
import { createGitHubActivities } from './github';
import { createCursorActivities, type AgentInstructions } from './cursor';
import { selfTestActivities } from './self-test';
import { createSlackActivities } from './slack';
import { createSandboxActivities, detectTestCommand, sandboxReady } from './sandbox';
import type { TestEvidence } from '../workflows/domain/test-evidence';
import { toSuggestionView } from './slack/suggestion-view';
import { pastRejections } from './temporal/past-rejections';
import { previousAttempt, sharedClaudeSpend } from './temporal/claude-spend';
import { currentActivity } from './activity-context';
import { protectedPathMatcher } from './git/protected-paths';
import { classifyError, type ClassifyRequest } from './claude/classify-error';
import { recordTriageExample, triageExamples } from './temporal/triage-memory';
import { findRelatedRun, joinRelatedRun } from './temporal/related-runs';
import type { RelatedError, Triage, TriageExample } from '../workflows/domain/triage';
import type { ErrorIdentity } from '../workflows/domain/types';
import { createPagerDutyActivities } from './pagerduty';
import { createJiraActivities } from './jira';
import type { JiraStage } from '../workflows/domain/jira-stages';
import { createCodeOwnersActivities } from './git/code-owners';
import { noAnswerLadder, policyFor, type LadderStep } from '../workflows/domain/escalation';
import { createReportActivities } from './report';
import { scanRemote } from './git/scan-remote';
import { debtScanActivities } from './debt-scan';

/**
 * The pipeline's activities, one group per outside system, bound to the configuration. Each
 * system keeps its own module; this file only composes them into the pipeline's vocabulary.
 * Workflows proxy one group each (workflows/activity-stubs.ts), so a stub offers only its system.
 */
export function createActivityGroups(config: Config, deps: { client: Client; workRoot?: string }) {
  const datadog = createDatadogActivities(config.datadog);
  const isProtected = protectedPathMatcher(config.fix.extraProtectedPaths);
  const workRoot = deps.workRoot ?? path.join(path.dirname(config.git.cacheDir), 'work');
  const git = createGitActivities(config.git, workRoot, isProtected);
  const claude = createClaudeActivities(
    config.claude,
    { isProtected, maxDiffBytes: config.fix.maxDiffBytes },
    { serviceDirs: [config.git.cacheDir, workRoot], allowedDomains: config.tests.allowedDomains },
  );
  const sandbox = createSandboxActivities(config.tests, { serviceDirs: [config.git.cacheDir, workRoot] });
  const slack = createSlackActivities(config.slack);
  const github = createGitHubActivities(config.github, isProtected);
  const cursor = createCursorActivities(config.cursor);
  const prefix = config.temporal.workflowIdPrefix;
  const pagerDuty = createPagerDutyActivities(config.escalation);
  const jira = createJiraActivities(config.jira);
  const codeOwners = createCodeOwnersActivities(config.git, config.escalation.codeownersSlack);
  const claudeSpend = sharedClaudeSpend(deps.client, prefix);
  const debt = debtScanActivities(config, { client: deps.client, prefix }, git, slack);

  return {
    datadog: {
      fetchOccurrenceLogs: (input: FetchOccurrenceLogsInput) => fetchOccurrenceLogs(datadog.fetchErrorLogs, input),
      /** After a deploy: the service's error rate and latency before and after (the fix's effect). */
      measureFixImpact: datadog.measureFixImpact,
      /** After a deploy: the service's errors first seen since, attributed to it or not (rollback candidates). */
      findNewErrors: (input: FindNewErrorsInput) => findNewErrors(datadog.fetchErrorLogs, input),
    },
    git: {
      /**
       * The run needs the deployed commit only: a fetch into the shared store, no working tree (every
       * Claude attempt and push checks out its own). The activity keeps its name for recorded histories.
       */
      cloneRepository: (input: { runKey: string; repository?: string }): Promise<FetchedBranch> =>
        git.fetchBranch(scanRemote(config, input.repository)),
      pushFixBranch: git.pushFixBranch,
      pushRevertBranch: git.pushRevertBranch,
    },
    claude: {
      /**
       * A fresh checkout for every attempt, in a directory of its own: a retry after a crash never
       * sees a half-edited tree, even if the crashed attempt's CLI is still running somewhere.
       */
      async proposeFix(input: {
        runKey: string;
        baseCommit: string;
        request: Omit<FixRequest, 'repo'>;
      }): Promise<FixSuggestion> {
        const checkout = await git.cloneRepository({
          runKey: `${input.runKey}-attempt-${currentActivity()?.info.attempt ?? 1}`,
        });
        try {
          const tests =
            config.tests.policy === 'off'
              ? undefined
              : {
                  command: config.tests.command ?? (await detectTestCommand(checkout.dir)),
                  // Without bubblewrap Claude Code would refuse to start: no Bash then, rather than no fix.
                  canRun: config.claude.sandbox && (await sandboxReady()),
                };
          return await claude.proposeFix({
            dir: checkout.dir,
            baseCommit: checkout.commit,
            request: {
              ...input.request,
              ...(tests ? { tests } : {}),
              repo: {
                ...(config.git.repoUrl ? { url: withoutCredentials(config.git.repoUrl) } : {}),
                branch: config.git.branch,
                commit: checkout.commit,
              },
            },
          });
        } finally {
          // The diff is the result; the checkout is not needed again (the PR step checks out afresh).
          await removeCheckout(checkout.dir);
        }
      },
    },
    debtScan: { findDebt: debt.findDebt },
    triage: {
      /**
       * The cheap classifier, told what the team said about this service's earlier errors. Runs on the
       * Claude queue, where the CLI is installed; a triage memory that cannot be read leaves it example-less.
       */
      async classifyError(input: Omit<ClassifyRequest, 'examples'>): Promise<Triage> {
        const examples = await triageExamples(deps.client, prefix, input.identity.service).catch(() => []);
        const ctx = currentActivity();
        return classifyError(
          { ...config.claude, triageModel: config.triage.model },
          { ...input, examples },
          ctx ? { signal: ctx.cancellationSignal } : {},
        );
      },
    },
    escalation: {
      /**
       * The service's escalation policy as the run needs it: whom to tell, the no-answer ladder, and
       * whether PagerDuty is configured. The routing key stays in this worker's configuration.
       */
      async escalationPolicy(input: { service: string; reminderIntervalMs: number }): Promise<EscalationPlan> {
        const policy = policyFor(config.escalation.policies, input.service);
        return {
          configured: policy !== undefined,
          owners: policy?.owners ?? [],
          codeowners: policy?.codeowners ?? false,
          ladder: policy ? noAnswerLadder(policy, input.reminderIntervalMs) : [],
          ...(policy?.jiraProject ? { jiraProject: policy.jiraProject } : {}),
        };
      },
      codeOwners: codeOwners.codeOwners,
      triggerPagerDutyIncident: pagerDuty.triggerPagerDutyIncident,
      resolvePagerDutyIncident: pagerDuty.resolvePagerDutyIncident,
    },
    jira: {
      /** The run's news on its Jira issue: a comment (once per stage), and the transition JIRA_TRANSITIONS names for it. */
      async updateJiraIssue(input: { key: string; stage: JiraStage; text: string }): Promise<{ status?: string }> {
        await jira.commentOnIssue({ key: input.key, text: input.text, dedupeKey: `bugfix-${input.stage}` });
        const to = config.jira.transitions[input.stage];
        if (!to) return {};
        const moved = await jira.transitionIssue({ key: input.key, to });
        return { status: moved.status };
      },
      /** An issue for the owning team (the policy's jiraProject, else JIRA_ESCALATION_PROJECT); none when neither is set. */
      async openEscalationIssue(input: {
        project?: string;
        summary: string;
        text: string;
        dedupeKey: string;
      }): Promise<{ key: string; url: string } | undefined> {
        const project = input.project ?? config.jira.escalationProject;
        if (!project || !config.jira.baseUrl) return undefined;
        const { key, url } = await jira.createIssue({
          project,
          issueType: config.jira.escalationIssueType,
          summary: input.summary,
          text: input.text,
          labels: ['bugfix-escalated'],
          dedupeKey: input.dedupeKey,
        });
        return { key, url };
      },
    },
    sandbox: {
      /**
       * The application's tests in the sandbox, on a checkout of its own: the deployed commit, then with the
       * fix's test files, then with the whole fix. Runs on the Claude queue, where the sandbox is installed.
       */
      async runRegressionTests(input: { runKey: string; diff: string; errorWords: string[] }): Promise<TestEvidence> {
        const checkout = await git.cloneRepository({
          runKey: `${input.runKey}-tests-${currentActivity()?.info.attempt ?? 1}`,
        });
        try {
          return await sandbox.runRegressionTests({
            dir: checkout.dir,
            commit: checkout.commit,
            diff: input.diff,
            errorWords: input.errorWords,
          });
        } finally {
          await removeCheckout(checkout.dir);
        }
      },
    },
    slack: {
      /** The first post carries the whole status, the diff included: the only time the diff goes to Slack. */
      postSuggestion: ({ status }: { status: RunStatus }) => slack.postSuggestion({ view: toSuggestionView(status) }),
      /**
       * Re-renders the message from the run's current status, which it asks the run for (a query), so the
       * workflow history records only the message reference, not the status and its diff, at every update.
       * Updates scheduled before this form carry the status themselves.
       */
      async updateSuggestion(input: {
        ref: SlackMessageRef;
        run?: { workflowId: string; runId: string };
        status?: RunStatus;
      }): Promise<void> {
        const status =
          input.status ??
          (await deps.client.workflow.getHandle(input.run!.workflowId, input.run!.runId).query(statusQuery));
        await slack.updateSuggestion({ ref: input.ref, view: toSuggestionView(status) });
      },
      replyInThread: slack.replyInThread,
      threadReplies: slack.threadReplies,
      postDebtDigest: debt.postDebtDigest,
    },
    github: {
      openPullRequest: github.openPullRequest,
      findPullRequest: github.findPullRequest,
      getPullRequest: github.getPullRequest,
      comparePullRequest: github.comparePullRequest,
      listReviews: github.listReviews,
      findDeployment: github.findDeployment,
      mergePullRequest: github.mergePullRequest,
      createDeployment: github.createDeployment,
      getDeployment: github.getDeployment,
    },
    cursor: {
      /** Cursor gets the repository and where to report back from this worker's configuration. */
      launchFixAgent: ({
        workflowId,
        ...input
      }: {
        workflowId: string;
        runKey: string;
        ref: string;
        branchName?: string;
        prompt: AgentInstructions;
      }) =>
        cursor.launchFixAgent({
          ...input,
          repository: `${config.github.webUrl}/${config.github.repository ?? ''}`,
          ...(config.cursor.webhookSecret
            ? {
                webhookUrl: `${config.api.publicUrl}/webhooks/cursor?workflowId=${encodeURIComponent(workflowId)}&sig=${webhookTargetSignature(config.cursor.webhookSecret, workflowId)}`,
              }
            : {}),
        }),
      getAgent: cursor.getAgent,
      stopAgent: cursor.stopAgent,
    },
    temporal: {
      pastRejections: (input: { workflowId: string; currentRunId: string }) => pastRejections(deps.client, input),
      previousAttempt: (input: { workflowId: string; currentRunId: string }) => previousAttempt(deps.client, input),
      claudeSpend,
      recordTriageExample: (input: { service: string; example: TriageExample }) =>
        recordTriageExample(
          deps.client,
          { prefix, taskQueue: config.temporal.taskQueue, service: input.service },
          input.example,
        ),
      findRelatedRun: (input: { identity: ErrorIdentity; topFrame: string; workflowId: string; startedAt: string }) =>
        findRelatedRun(deps.client, prefix, input),
      joinRelatedRun: (input: { target: string; related: RelatedError }) => joinRelatedRun(deps.client, input),
      previousDebtScan: debt.previousDebtScan,
      debtErrorRuns: debt.debtErrorRuns,
    },
    /** The fix-effectiveness report's weekly Slack digest (workflows/report-digest.ts). */
    report: createReportActivities(config, deps.client),
  };
}

export type ActivityGroups = ReturnType<typeof createActivityGroups>;

/** A service's escalation policy without its secrets: what a run may keep in its history. */
export interface EscalationPlan {
  configured: boolean;
  owners: string[];
  codeowners: boolean;
  ladder: LadderStep[];
  jiraProject?: string;
}

/** Every activity the worker registers, under the names workflows schedule them by. */
export function createActivities(config: Config, deps: { client: Client; workRoot?: string }) {
  const groups = createActivityGroups(config, deps);
  return {
    ...selfTestActivities,
    ...groups.datadog,
    ...groups.git,
    ...groups.claude,
    ...groups.debtScan,
    ...groups.sandbox,
    ...groups.triage,
    ...groups.escalation,
    ...groups.jira,
    ...groups.slack,
    ...groups.github,
    ...groups.cursor,
    ...groups.temporal,
    ...groups.report,
  };
}

export type PipelineActivities = ReturnType<typeof createActivities>;
