import { Command } from 'commander';
import { evidenceHeadline } from '../../../workflows/domain/test-evidence';
import { triageLine } from '../../../workflows/domain/triage';
import type { RunStatus } from '../../../workflows/domain/run-status';
import { withContext, type CommonOptions } from '../context';
import { fields, formatCost, formatDuration } from '../format';
import { readRunStatus, type RunView } from '../run-status';
import { logsLine, recurrenceSources } from '../../../workflows/domain/log-report';

interface StatusOptions extends CommonOptions {
  run?: string;
  diff: boolean;
}

/** Each step with how long the run spent in it (until the next step, or until now / the close). */
export function timelineWithDurations(
  timeline: RunStatus['timeline'],
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
    ['Stage', s?.stage ?? '(unknown: no worker answered the status query)'],
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
    .option('--json', 'print JSON: { workflowId, runId, execution, source, status, timeline, runUrl }')
    .action((workflowId: string, opts: StatusOptions) =>
      withContext(opts, async (ctx) => {
        const view = await readRunStatus(await ctx.temporal(), ctx.config, workflowId, opts.run);
        const endAt =
          view.execution === 'RUNNING'
            ? Date.now()
            : Date.parse(view.status?.timeline.at(-1)?.at ?? new Date().toISOString());
        const timeline = view.status ? timelineWithDurations(view.status.timeline, endAt) : [];
        await ctx.print(() => render(view, opts.diff, endAt), { ...view, timeline });
      }),
    );
}
