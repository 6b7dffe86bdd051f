import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { operatorName, uiLink, withContext, type CommonOptions } from '../context';
import { describeRun, fetchRunHistory, resetPointFor, stepsAfter, stepsSeen } from '../history';
import { CliError, EXIT, refused } from '../errors';
import { isStage, isStepActivity, STAGES, STEP_ACTIVITIES } from '../steps';

interface ResetOptions extends CommonOptions {
  to: string;
  run?: string;
  reason?: string;
  as?: string;
  yes?: boolean;
}

export function resetCommand(): Command {
  return new Command('reset')
    .description(
      'Reset a run to just before a step, so the step and everything after it run again (e.g. redo the Claude step after fixing a prompt)',
    )
    .argument('<workflowId>', "the run's workflow id")
    .requiredOption(
      '--to <step>',
      'an activity (proposeFix, cloneRepository, postSuggestion, pushFixBranch, openPullRequest, ...) or a stage (proposing, awaiting-approval, ...)',
    )
    .option('--run <runId>', 'reset this run of the id (default: the latest)')
    .option('--reason <text>', 'recorded in the history with the reset')
    .option('--as <name>', 'the operator named in the reason (default: your OS user name)')
    .option('--yes', 'reset without asking (for scripts): the steps after the point run again, side effects included')
    .option('--json', 'print JSON: { workflowId, previousRunId, runId, resetToEventId, step, runUrl }')
    .addHelpText(
      'after',
      [
        '',
        `Activities: ${STEP_ACTIVITIES.join(', ')}`,
        `Stages:     ${STAGES.join(', ')}`,
        '',
        'A stage resets to where the run entered it; an activity to where the run first scheduled it.',
        'Temporal keeps the history up to that point in a new run of the same workflow id (the old run,',
        "if still running, is terminated) and runs the current workflow code from there: the step's",
        'activity is scheduled again. Signals received after the point are re-applied.',
        'Refused (exit 3) when the step did not happen in that run.',
      ].join('\n'),
    )
    .action((workflowId: string, opts: ResetOptions) =>
      withContext(opts, async (ctx) => {
        const step = opts.to;
        if (!isStage(step) && !isStepActivity(step))
          throw new CliError(
            `Unknown step "${step}". Steps are activities (${STEP_ACTIVITIES.join(', ')}) or stages (${STAGES.join(', ')}).`,
            EXIT.usage,
          );
        const client = await ctx.temporal();
        const run = await describeRun(client, workflowId, opts.run);
        const history = await fetchRunHistory(client, workflowId, run.runId);
        const point = resetPointFor(history, step);
        if (!point) {
          const seen = stepsSeen(history);
          throw refused(
            `Step ${step} did not happen in run ${run.runId} of ${workflowId}, so there is nothing to reset to. Steps this run went through: ${seen.join(', ') || 'none'}.`,
            { runId: run.runId, stepsSeen: seen },
          );
        }
        const again = stepsAfter(history, point);
        const consequence = `Resetting ${workflowId} to before ${step} runs again: ${again.join(', ') || 'nothing recorded yet'}${run.status.name === 'RUNNING' ? `; the running run ${run.runId} is terminated` : ''}.`;
        if (!opts.yes && !(await confirmed(consequence))) {
          throw new CliError(`${consequence} Not reset: confirm at the prompt, or pass --yes.`, EXIT.usage);
        }
        const reason = opts.reason ?? `reset to before ${step} by ${operatorName(opts.as)} (bugfix CLI)`;
        const { namespace } = ctx.config.temporal;
        const response = await client.workflowService.resetWorkflowExecution({
          namespace,
          workflowExecution: { workflowId, runId: run.runId },
          reason,
          workflowTaskFinishEventId: point.raw,
          requestId: randomUUID(),
        });
        const runId = response.runId ?? '';
        const runUrl = uiLink(ctx.config, workflowId, runId);
        await ctx.print(
          `${consequence}\nReset ${workflowId} to event ${point.eventId} (before ${step}, first scheduled at event ${point.scheduledEventId}).\nPrevious run ${run.runId} (${run.status.name}); new run ${runId}.\n${runUrl}`,
          {
            workflowId,
            previousRunId: run.runId,
            runId,
            resetToEventId: point.eventId,
            step,
            reason,
            runUrl,
            runsAgain: again,
          },
        );
      }),
    );
}

/** Asks on a terminal; without one (a script, CI) there is nobody to ask, so the answer is no. */
async function confirmed(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} Reset? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
