import type { JiraStage } from './domain/jira-stages';
import type { RunStatus } from './domain/run-status';
import type { Stage } from './domain/types';
import { triageLine } from './domain/triage';

/** The run's stages a Jira issue hears about, by JIRA_TRANSITIONS' names. */
export const JIRA_STAGE_OF: Partial<Record<Stage, JiraStage>> = {
  'awaiting-approval': 'suggested',
  'awaiting-merge': 'pr-opened',
  'awaiting-deploy': 'merged',
  verifying: 'deployed',
  'verified-fixed': 'verified',
  'awaiting-revert-approval': 'regressed',
  escalated: 'escalated',
  rejected: 'rejected',
  expired: 'expired',
};

/**
 * What the run comments on its Jira issue at a stage: plain text (the adapter renders it as ADF,
 * fenced blocks as code), with links to the pull request and the run.
 */
export function jiraComment(s: RunStatus, stage: JiraStage): string {
  const pr = s.pullRequest;
  const run = `The run: ${s.runUrl}`;
  switch (stage) {
    case 'suggested': {
      const fix = s.fix;
      const files = fix?.filesTouched.length ? `Files: ${fix.filesTouched.join(', ')}` : 'No file changed.';
      const stat = fix?.diff ? diffStat(fix.diff) : '';
      return [
        'A fix is suggested and waits for approval in Slack.',
        ...(s.triage ? [`Triage: ${triageLine(s.triage)}`] : []),
        files + (stat ? ` (${stat})` : ''),
        ...(fix?.explanation ? ['```', fix.explanation.slice(0, 2_000), '```'] : []),
        run,
      ].join('\n');
    }
    case 'pr-opened':
      return `Pull request opened: ${pr?.url ?? '(unknown)'}\n${run}`;
    case 'merged':
      return `Merged${pr?.mergedBy ? ` by ${pr.mergedBy}` : ''}: ${pr?.url ?? ''}`;
    case 'deployed':
      return `Deployed to ${s.deployment?.environment ?? 'production'}; watching production for the error.`;
    case 'verified':
      return 'Verified: the error has not come back since the deployment.';
    case 'regressed':
      return `Regressed: ${s.verification?.recurrences ?? 0} occurrence(s) after the deployment. A revert awaits approval.\n${run}`;
    case 'escalated':
      return `Not fixed by the pipeline: escalated to the service's owners${s.triage ? ` (${triageLine(s.triage)})` : ''}.\n${run}`;
    case 'rejected':
      return `The suggested fix was rejected${s.decision?.reason ? `: ${s.decision.reason}` : ''}.`;
    case 'expired':
      return 'The suggested fix expired without a decision.';
  }
}

/** "2 files, +3 -1" */
function diffStat(diff: string): string {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++;
    else if (line.startsWith('-') && !line.startsWith('---')) removed++;
  }
  return `+${added} -${removed}`;
}
