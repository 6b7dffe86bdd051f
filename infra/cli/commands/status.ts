import { impactLine } from '../../../workflows/run-summary';
import { rollbackText } from '../../../workflows/thread-texts';
import { Command } from 'commander';
import { evidenceHeadline } from '../../../workflows/domain/test-evidence';
import { triageLine } from '../../../workflows/domain/triage';
import type { RunStatus } from '../../../workflows/domain/run-status';
import { withContext, type CommonOptions } from '../context';
import { fields, formatCost, formatDuration } from '../format';
import { QUERY_DEADLINE_MS, readRunStatus, type RunView } from '../run-status';
import { serverStatusText } from '../server-status-text';
import { logsLine, recurrenceSources } from '../../../workflows/domain/log-report';

interface StatusOptions extends CommonOptions {
  run?: string;
  diff: boolean;
}

/** Each step with how long the run spent in it (until the next step, or until now / the close). */
export function timelineWithDurations(
  timeline: { stage: string; at: string }[],
  endAt: number,
): { stage: string; at: string; durationMs: number }[] {
  return timeline.map((t, i) => ({
    stage: t.stage,
    at: t.at,
    durationMs: Date.parse(timeline[i + 1]?.at ?? new Date(endAt).toISOString()) - Date.parse(t.at),
  }));
}

function errorLine(s: RunStatus): string {
  const first = s.message.split('\n')[0] ?? '';
  return first.startsWith(s.identity.errorType) ? first : `${s.identity.errorType}: ${first}`;
}

function verificationText(v: NonNullable<RunStatus['verification']>): string {
  const sources = recurrenceSources(v);
  return `${v.verdict}: ${v.recurrences} recurrence(s)${sources ? ` (${sources})` : ''}`;
}

function render(v: RunView, showDiff: boolean, endAt: number): string {
  const s = v.status;
  const head = fields([
    ['Run', `${v.workflowId} (run ${v.runId})`],
    ['Execution', v.execution],
    ['Stage', s?.stage],
    ['Service', s?.identity.service],
    ['Error', s ? errorLine(s) : undefined],
    ['Fingerprint', s?.identity.fingerprint],
    ['Seen', s ? `${s.occurrences} time(s), first ${s.firstSeen || '?'}, last ${s.lastSeen || '?'}` : undefined],
    ['Datadog logs', s?.logs ? logsLine(s.logs) : undefined],
    ['Triage', s?.triage ? `${triageLine(s.triage)} — ${s.triage.rationale}` : undefined],
    [
      'Escalations',
      s?.escalations?.length
        ? s.escalations
            .map((e) => `level ${e.level} (${e.reason}) to ${e.notified.join(', ') || 'nobody'} at ${e.at}`)
            .join('; ') + (s.pageResolvedAt ? `; PagerDuty resolved ${s.pageResolvedAt}` : '')
        : undefined,
    ],
    [
      'Jira',
      s?.jira ? `${s.jira.key}${s.jira.status ? ` (${s.jira.status})` : ''} ${s.jira.url}` : s?.escalationIssue?.url,
    ],
    ['Joined', s?.joined ? `same root cause as ${s.joined.workflowId}` : undefined],
    [
      'Related',
      s?.related?.length
        ? s.related.map((e) => `${e.fingerprint} (${e.occurrences}×, ${e.workflowId})`).join(', ')
        : undefined,
    ],
    [
      'Decision',
      s?.decision
        ? `${s.decision.approved ? 'approved' : 'rejected'} by ${s.decision.userName} via ${s.decision.via} at ${s.decision.at}${s.decision.reason ? ` (${s.decision.reason})` : ''}`
        : undefined,
    ],
    [
      'Pull request',
      s?.pullRequest
        ? `${s.pullRequest.url}${s.pullRequest.mergedAt ? ` (merged by ${s.pullRequest.mergedBy ?? '?'})` : ''}`
        : undefined,
    ],
    [
      'Deploy',
      s?.deployment
        ? `${s.deployment.environment} ${s.deployment.sha.slice(0, 12)} at ${s.deployment.at}${s.deployment.url ? ` ${s.deployment.url}` : ''}`
        : undefined,
    ],
    ['Verification', s?.verification ? verificationText(s.verification) : undefined],
    ['Revert PR', s?.revertPullRequest?.url],
    [
      'Last webhook',
      s?.lastEvent
        ? `${s.lastEvent.source} ${s.lastEvent.kind}${s.lastEvent.detail ? ` (${s.lastEvent.detail})` : ''} at ${s.lastEvent.at}`
        : undefined,
    ],
    ['Regression test', s?.fix?.tests ? evidenceHeadline(s.fix.tests) : undefined],
    ['Impact', s?.impact ? impactLine(s.impact) : undefined],
    [
      'Caused errors',
      s?.causedErrors?.length
        ? s.causedErrors.map((e) => `${e.errorType} ×${e.count} (${e.attributedBy.join(', ')})`).join('; ')
        : undefined,
    ],
    ['Rollback', s?.rollback ? rollbackText(s.rollback) : undefined],
    ['Cost', s?.fix ? `${formatCost(s.fix.costUsd)} (Claude Code, ${s.fix.turns} turns)` : undefined],
    ['Slack', s?.slack ? (s.slack.permalink ?? `${s.slack.channel} ${s.slack.ts}`) : undefined],
    ['Failure', s?.failure ?? v.closedBecause],
    ['Web UI', v.runUrl],
  ]);
  const timeline = s
    ? timelineWithDurations(s.timeline, endAt)
        .map((t) => `  ${t.stage.padEnd(26)} ${t.at}  ${formatDuration(t.durationMs)}`)
        .join('\n')
    : '';
  const notes = s?.notes.length ? `\nNotes:\n${s.notes.map((n) => `  - ${n}`).join('\n')}` : '';
  const diff =
    showDiff && s?.fix ? `\nDiff (${s.fix.filesTouched.join(', ') || 'no files'}):\n${s.fix.diff || '(empty)'}` : '';
  return [head, timeline ? `\nTimeline:\n${timeline}` : '', notes, diff].filter(Boolean).join('\n');
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      "Show a run: stage, timeline with durations, Claude's diff, pull request and deploy links, cost, Web UI link",
    )
    .argument('<workflowId>', "the run's workflow id, e.g. bugfix-shop-api-3f2a...")
    .option('--run <runId>', 'a specific run of that id (default: the latest)')
    .option('--no-diff', "leave out Claude's diff")
    .option(
      '--json',
      "print JSON: { workflowId, runId, execution, source, status, timeline, runUrl }; with no worker answering, source 'server' with noAnswer, worker and server (what Temporal recorded)",
    )
    .addHelpText(
      'after',
      `\nWith no worker to answer the status query within ${QUERY_DEADLINE_MS / 1000} s (or --timeout, if shorter), status says so and since when no worker\npolls the run's task queue, and shows what the Temporal server recorded: the stage and milestones the run keeps in\nits search attributes and memo, its last activity, pending activities, and the signals and updates it received.`,
    )
    .action((workflowId: string, opts: StatusOptions) =>
      withContext(opts, async (ctx) => {
        const view = await readRunStatus(await ctx.temporal(), ctx.config, workflowId, opts.run, {
          queryDeadlineMs: Math.min(QUERY_DEADLINE_MS, ctx.timeoutMs),
        });
        const steps = view.status?.timeline ?? view.server?.timeline ?? [];
        const now = Date.now();
        const endAt = view.execution === 'RUNNING' ? now : Date.parse(steps.at(-1)?.at ?? new Date(now).toISOString());
        const timeline = timelineWithDurations(steps, endAt);
        await ctx.print(
          () => (view.source === 'server' ? serverStatusText(view, now) : render(view, opts.diff, endAt)),
          { ...view, timeline },
        );
      }),
    );
}
