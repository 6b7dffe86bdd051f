import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { historyToJSON } from '../history-json';
import { withContext, write, type CommonOptions } from '../context';
import { describeRun, fetchRunHistory } from '../history';

interface ExportOptions extends CommonOptions {
  run?: string;
  out?: string;
}

export function exportHistoryCommand(): Command {
  return new Command('export-history')
    .description(
      "Write a run's history as JSON (the format Worker.runReplayHistory and `temporal workflow show -o json` use)",
    )
    .argument('<workflowId>', "the run's workflow id")
    .option('--run <runId>', 'export this run of the id (default: the latest)')
    .option('--out <file>', 'write here instead of to standard output, e.g. test/fixtures/histories/<case>.json')
    .option('--json', 'with --out, print JSON: { workflowId, runId, events, file }')
    .addHelpText(
      'after',
      '\nFiles under test/fixtures/histories/ are replayed by test/workflows/replay.test.ts on every CI run.',
    )
    .action((workflowId: string, opts: ExportOptions) =>
      withContext(opts, async (ctx) => {
        const client = await ctx.temporal();
        const run = await describeRun(client, workflowId, opts.run);
        const history = await fetchRunHistory(client, workflowId, run.runId);
        const json = historyToJSON(history);
        if (!opts.out) {
          await write(process.stdout, `${json}\n`);
          return;
        }
        const file = path.resolve(opts.out);
        await writeFile(file, `${json}\n`);
        const events = history.events?.length ?? 0;
        await ctx.print(`Wrote ${events} events of run ${run.runId} to ${file}`, {
          workflowId,
          runId: run.runId,
          events,
          file,
        });
      }),
    );
}
