import { fields, formatCost, formatDuration } from './format';
import type { RunView } from './run-status';
import type { ServerView } from './server-view';

/**
 * `bugfix status` when no worker answered: the sentence that says so and since when, then what the
 * server recorded (search attributes, memo, history, pending work), each time with how long ago.
 */
export function serverStatusText(v: RunView, now: number): string {
  const s = v.server;
  const ago = (at: string | undefined) => (at ? `${at} (${formatDuration(now - Date.parse(at))} ago)` : undefined);
  const head = fields([
    ['Run', `${v.workflowId} (run ${v.runId})`],
    ['Execution', v.execution],
    ['Stage', s?.stage ? `${s.stage} (from the run's ${s.stageFrom})` : '(unknown: the run recorded none)'],
    ['Summary', s?.summary],
    ['Service', s?.service],
    ['Error type', s?.errorType],
    ['Fingerprint', s?.fingerprint],
    ['Category', s?.category],
    ['Seen', s?.occurrences === undefined ? undefined : `${s.occurrences} time(s)`],
    ['Pull request', s?.pullRequest],
    ['Cost', s?.costUsd === undefined ? undefined : `${formatCost(s.costUsd)} (Claude Code)`],
    [
      'Last activity',
      s?.lastActivity ? `${s.lastActivity.name} ${s.lastActivity.outcome} at ${ago(s.lastActivity.at)}` : undefined,
    ],
    [
      'Last moved',
      s?.lastWorkflowTask
        ? `a worker${s.lastWorkflowTask.worker ? ` (${s.lastWorkflowTask.worker})` : ''} completed a workflow task at ${ago(s.lastWorkflowTask.at)}`
        : undefined,
    ],
    [
      'Waiting',
      s?.workflowTaskWaitingSince
        ? `a workflow task waits for a worker since ${ago(s.workflowTaskWaitingSince)}`
        : undefined,
    ],
    ['Failure', v.closedBecause],
    ['Web UI', v.runUrl],
  ]);
  return [
    v.noAnswer ? `${v.noAnswer}\n` : '',
    head,
    s
      ? section(
          'Milestones',
          s.milestones.map((m) => `${m.milestone.padEnd(10)} ${m.at}`),
        )
      : '',
    s ? section('Timeline', timelineLines(s, v.execution === 'RUNNING' ? now : undefined)) : '',
    s ? section('Pending activities', s.pendingActivities.map(pendingLine)) : '',
    s
      ? section(
          'Received',
          s.received.map((r) => `${r.kind} ${r.name} at ${r.at}${r.handled ? '' : ' (not handled yet)'}`),
        )
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function section(title: string, lines: string[]): string {
  return lines.length ? `\n${title}:\n${lines.map((l) => `  ${l}`).join('\n')}` : '';
}

function timelineLines(s: ServerView, endAt: number | undefined): string[] {
  return s.timeline.map((t, i) => {
    const next = s.timeline[i + 1]?.at;
    const end = next ? Date.parse(next) : endAt;
    return `${t.stage.padEnd(26)} ${t.at}${end === undefined ? '' : `  ${formatDuration(end - Date.parse(t.at))}`}`;
  });
}

function pendingLine(a: ServerView['pendingActivities'][number]): string {
  const parts = [`${a.name}: ${a.state}, attempt ${a.attempt}`];
  if (a.lastStartedAt) parts.push(`last started ${a.lastStartedAt}${a.lastWorker ? ` on ${a.lastWorker}` : ''}`);
  else if (a.scheduledAt) parts.push(`scheduled ${a.scheduledAt}`);
  if (a.lastFailure) parts.push(`last failure: ${a.lastFailure.split('\n')[0]}`);
  return parts.join('; ');
}
