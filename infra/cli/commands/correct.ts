import { Command, Option } from 'commander';
import { withContext, type CommonOptions, type CliContext } from '../context';
import { decide } from '../decide';
import { CliError, EXIT } from '../errors';
import { readRunStatus } from '../run-status';
import { fetchRunHistory, startedInput } from '../history';
import { recordTriageExample } from '../../../activities/temporal/triage-memory';
import { ERROR_CATEGORIES, triageExampleFrom, type ErrorCategory } from '../../../workflows/domain/triage';

interface CorrectOptions extends CommonOptions {
  category: ErrorCategory;
  note?: string;
  as?: string;
}

export function correctCommand(): Command {
  return new Command('correct')
    .description(
      "Correct a run's triage: what kind of error it really is. Later errors of the same service are classified with it; a fix waiting for approval is rejected as not a code bug (the Slack button's twin)",
    )
    .argument('<workflowId>', "the run's workflow id")
    .addOption(new Option('--category <category>', 'what the error is').choices(ERROR_CATEGORIES).makeOptionMandatory())
    .option('--note <text>', 'why, in a few words: the classifier is shown it')
    .option('--as <slackUserId>', 'decide as this Slack user id, when the correction rejects a waiting fix')
    .option('--json', 'print JSON: { workflowId, service, example }')
    .action((workflowId: string, opts: CorrectOptions) => withContext(opts, (ctx) => correct(ctx, workflowId, opts)));
}

async function correct(ctx: CliContext, workflowId: string, opts: CorrectOptions): Promise<void> {
  const client = await ctx.temporal();
  const view = await readRunStatus(client, ctx.config, workflowId);
  const reason = opts.note ? `Not a code bug: ${opts.note}` : 'Not a code bug';
  // A fix waiting for approval: the run rejects it and records the correction itself (as the Slack button does).
  if (view.execution === 'RUNNING' && view.status?.stage === 'awaiting-approval' && opts.category !== 'code-defect')
    return decide(ctx, workflowId, {
      approved: false,
      reason,
      correction: { category: opts.category },
      ...(opts.as ? { as: opts.as } : {}),
    });
  const identity =
    view.status?.identity ?? startedInput(await fetchRunHistory(client, workflowId, view.runId)).identity;
  const message = view.status?.message ?? identity.normalizedMessage;
  const example =
    opts.category === 'code-defect'
      ? { ...triageExampleFrom(identity, message, { approved: true }), ...(opts.note ? { note: opts.note } : {}) }
      : triageExampleFrom(identity, message, {
          approved: false,
          reason: opts.note ?? 'corrected by on-call',
          correction: { category: opts.category },
        });
  const { workflowIdPrefix: prefix, taskQueue } = ctx.config.temporal;
  await recordTriageExample(client, { prefix, taskQueue, service: identity.service }, example).catch((err: Error) => {
    throw new CliError(
      `Could not record the correction in ${identity.service}'s triage memory: ${err.message}. Is a worker polling ${taskQueue}?`,
      EXIT.failure,
    );
  });
  const next =
    opts.category === 'code-defect' && view.status?.stage === 'escalated'
      ? ` To have this one fixed now: npm run bugfix -- rerun ${workflowId}`
      : '';
  await ctx.print(
    `Recorded: errors of ${identity.service} like this one are ${opts.category} from now on (${example.fixableByCode ? 'fixable by code' : 'not fixable by code'}).${next}`,
    { workflowId, service: identity.service, example },
  );
}
