import { Command } from 'commander';
import { withContext, type CommonOptions } from '../context';
import { decide } from '../decide';

export function rejectCommand(): Command {
  return new Command('reject')
    .description(
      'Reject what a run waits on (its fix; a revert after a regression; a retry of a failed PR step): the same decision as the Slack button',
    )
    .argument('<workflowId>', "the run's workflow id")
    .requiredOption('--reason <text>', 'why: the next run of the same error is told, so Claude does not repeat it')
    .option(
      '--as <slackUserId>',
      'decide as this Slack user id, checked against APPROVER_SLACK_USER_IDS (default: BUGFIX_SLACK_USER_ID, else your OS user name)',
    )
    .option('--json', 'print JSON: { workflowId, runId, decision }')
    .addHelpText('after', '\nExit code 3 when the run refuses: already decided, not waiting for a decision, or ended.')
    .action((workflowId: string, opts: CommonOptions & { as?: string; reason: string }) =>
      withContext(opts, (ctx) =>
        decide(ctx, workflowId, { approved: false, reason: opts.reason, ...(opts.as ? { as: opts.as } : {}) }),
      ),
    );
}
