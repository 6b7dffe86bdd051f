import { decideUpdate } from '../../workflows/domain/messages';
import type { Decision, RecordedDecision } from '../../workflows/domain/types';
import { operatorName, type CliContext } from './context';
import { describeRun } from './history';
import { refused } from './errors';

/**
 * The same path as the Slack buttons: the `decide` update, whose validator refuses a second
 * decision or a run that waits for none. Recorded with the operator's name and `via: 'cli'`.
 */
export async function decide(
  ctx: CliContext,
  workflowId: string,
  d: { approved: boolean; reason?: string; as?: string },
): Promise<void> {
  const client = await ctx.temporal();
  const run = await describeRun(client, workflowId);
  if (run.status.name !== 'RUNNING')
    throw refused(
      `Run ${workflowId} has ended (${run.status.name}): there is nothing to decide. Use \`bugfix rerun ${workflowId}\` to try again.`,
    );
  const name = operatorName(d.as);
  const decision: Decision = {
    approved: d.approved,
    userId: name,
    userName: name,
    via: 'cli',
    ...(d.reason ? { reason: d.reason } : {}),
  };
  const recorded: RecordedDecision = await client.workflow
    .getHandle(workflowId, run.runId, { followRuns: false })
    .executeUpdate(decideUpdate, { args: [decision] });
  const verb = recorded.approved ? 'Approved' : 'Rejected';
  await ctx.print(
    `${verb} ${workflowId} as ${recorded.userName} at ${recorded.at}${recorded.reason ? ` (reason: ${recorded.reason})` : ''}.`,
    { workflowId, runId: run.runId, decision: recorded },
  );
}
