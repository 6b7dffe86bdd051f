import { Command } from 'commander';
import type { bugfixWorkflow } from '../../../workflows/bugfix';
import { occurrencesSignal } from '../../../workflows/domain/messages';
import { ERROR_TYPE, FINGERPRINT, SERVICE } from '../../../workflows/domain/search-attributes';
import type { OccurrenceBatch } from '../../../workflows/domain/types';
import { uiLink, withContext, type CommonOptions } from '../context';
import { describeRun, fetchRunHistory, recordedOccurrences, startedInput } from '../history';
import { refused } from '../errors';

/** Every sighting the old run was sent, as one batch (its deliveryId names the old run, so it counts once). */
export function rerunBatch(oldRunId: string, batches: OccurrenceBatch[]): OccurrenceBatch {
  const alert = batches.find((b) => b.alert)?.alert;
  return {
    deliveryId: `rerun-${oldRunId}`,
    occurrences: batches.flatMap((b) => b.occurrences),
    ...(alert ? { alert } : {}),
  };
}

export function rerunCommand(): Command {
  return new Command('rerun')
    .description(
      'Start a fresh run of an error whose last run ended (failed, expired, stalled, rejected, closed unmerged, regressed, ...)',
    )
    .argument('<workflowId>', "the ended run's workflow id")
    .option('--json', 'print JSON: { workflowId, previousRunId, runId, occurrences, runUrl }')
    .addHelpText(
      'after',
      [
        '',
        'A run\'s workflow id is `<prefix>-<service>-<fingerprint>` (WORKFLOW_ID_PREFIX, default "bugfix"):',
        'the fingerprint identifies the error, so every run of the same error shares one workflow id and a',
        "rerun is a new run (new run id) of that same id. It gets the first run's input, and the",
        'occurrences recorded by the last run in one batch. Rejection reasons of earlier runs reach Claude.',
        'A rerun does not wait out FIX_COOLDOWN: asking for it is the go-ahead. Budgets still apply.',
        'Refused (exit 3) while the last run is still running: decide it, or wait for it to end.',
      ].join('\n'),
    )
    .action((workflowId: string, opts: CommonOptions) =>
      withContext(opts, async (ctx) => {
        const client = await ctx.temporal();
        const last = await describeRun(client, workflowId);
        if (last.status.name === 'RUNNING')
          throw refused(`Run ${workflowId} is still running (run ${last.runId}): nothing to rerun.`, {
            runId: last.runId,
          });
        const history = await fetchRunHistory(client, workflowId, last.runId);
        const input = startedInput(history);
        const batch = rerunBatch(last.runId, recordedOccurrences(history));
        const handle = await client.workflow.signalWithStart<typeof bugfixWorkflow, [OccurrenceBatch]>(
          'bugfixWorkflow',
          {
            workflowId,
            taskQueue: ctx.config.temporal.taskQueue,
            // Asked for by an operator: no cooldown after the last run's rejection.
            args: [{ ...input, skipCooldown: true }],
            signal: occurrencesSignal,
            signalArgs: [batch],
            typedSearchAttributes: [
              { key: FINGERPRINT, value: input.identity.fingerprint },
              { key: SERVICE, value: input.identity.service },
              { key: ERROR_TYPE, value: input.identity.errorType },
            ],
          },
        );
        const runId = handle.signaledRunId;
        const runUrl = uiLink(ctx.config, workflowId, runId);
        await ctx.print(
          `Started run ${runId} of ${workflowId} (previous run ${last.runId}, ${last.status.name}) with ${batch.occurrences.length} recorded occurrence(s).\n${runUrl}`,
          {
            workflowId,
            previousRunId: last.runId,
            previousStatus: last.status.name,
            runId,
            occurrences: batch.occurrences.length,
            runUrl,
          },
        );
      }),
    );
}
