import { Command } from 'commander';
import { withContext, type CommonOptions } from '../context';
import { decide } from '../decide';

export function approveCommand(): Command {
  return new Command('approve')
    .description(
      'Approve what a run waits on (its fix; a revert after a regression; a retry of a failed PR step): the same decision as the Slack button',
    )
    .argument('<workflowId>', "the run's workflow id")
    .option(
      '--as <slackUserId>',
      'decide as this Slack user id, checked against APPROVER_SLACK_USER_IDS (default: BUGFIX_SLACK_USER_ID, else your OS user name)',
    )
    .option('--reason <text>', 'a note kept with the decision')
    .option('--json', 'print JSON: { workflowId, runId, decision }')
    .addHelpText('after', '\nExit code 3 when the run refuses: already decided, not waiting for a decision, or ended.')
    .action((workflowId: string, opts: CommonOptions & { as?: string; reason?: string }) =>
      withContext(opts, (ctx) =>
        decide(ctx, workflowId, {
          approved: true,
          ...(opts.reason ? { reason: opts.reason } : {}),
          ...(opts.as ? { as: opts.as } : {}),
        }),
      ),
    );
}
