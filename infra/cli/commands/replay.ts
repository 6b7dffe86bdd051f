import path from 'node:path';
import { Command } from 'commander';
import { withContext, type CommonOptions } from '../context';
import { describeRun, fetchRunHistory } from '../history';
import { CliError, EXIT } from '../errors';
import { defaultWorkflowsPath } from '../workflows-path';

interface ReplayOptions extends CommonOptions {
  run?: string;
  workflows?: string;
}

export function replayCommand(): Command {
  return new Command('replay')
    .description("Replay a run's history against the current workflow code: would this code change break the run?")
    .argument('<workflowId>', "the run's workflow id")
    .option('--run <runId>', 'replay this run of the id (default: the latest)')
    .option('--workflows <file>', 'replay against this workflows module instead of workflows/index.ts')
    .option(
      '--json',
      'print JSON: { workflowId, runId, events, ok, nondeterministic, message, eventId, eventType, step }',
    )
    .addHelpText(
      'after',
      '\nExit code 1 when the replay fails; a non-determinism names the history event (and step) where the code diverged.\nSee test/fixtures/histories/README.md for versioning a change with patched().',
    )
    .action((workflowId: string, opts: ReplayOptions) =>
      withContext(opts, async (ctx) => {
        const client = await ctx.temporal();
        const run = await describeRun(client, workflowId, opts.run);
        const history = await fetchRunHistory(client, workflowId, run.runId);
        const workflowsPath = opts.workflows ? path.resolve(opts.workflows) : defaultWorkflowsPath;
        // The SDK's native worker loads only for this command.
        const { replayHistory } = await import('../replay-history');
        const outcome = await replayHistory(history, { workflowsPath, workflowId });
        const summary = {
          workflowId,
          runId: run.runId,
          events: history.events?.length ?? 0,
          workflowsPath,
          ...outcome,
        };
        if (outcome.ok) {
          await ctx.print(
            `Replay OK: ${summary.events} events of run ${run.runId} replay against ${path.relative(process.cwd(), workflowsPath)}.`,
            summary,
          );
          return;
        }
        const event = outcome.eventType
          ? ` (${outcome.eventType}${outcome.step ? ` of ${outcome.step}` : ''}${outcome.stage ? `, in stage ${outcome.stage}` : ''})`
          : '';
        const where = outcome.eventId ? ` at event ${outcome.eventId}${event}` : '';
        const what = outcome.nondeterministic
          ? `Non-determinism${where}: the workflow code no longer makes the commands this run recorded there. Guard the change with patched() (see test/fixtures/histories/README.md).`
          : `Replay failed${where}.`;
        throw new CliError(`${what}\n${outcome.detail}`, EXIT.failure, summary);
      }),
    );
}
