import { decideUpdate } from '../../workflows/domain/messages';
import type { Decision, RecordedDecision } from '../../workflows/domain/types';
import { operatorName, type CliContext } from './context';
import { describeRun } from './history';
import { CliError, EXIT, refused } from './errors';
import { workerPresence } from '../platform/worker-presence';
import { checkApprover } from '../../workflows/domain/approvers';

/**
 * The same path as the Slack buttons: the `decide` update, whose validator refuses a second
 * decision or a run that waits for none, after the same approver check. Recorded with the
 * operator's Slack user id (--as, else BUGFIX_SLACK_USER_ID, else the OS user) and `via: 'cli'`.
 */
export async function decide(
  ctx: CliContext,
  workflowId: string,
  d: { approved: boolean; reason?: string; as?: string; correction?: Decision['correction'] },
): Promise<void> {
  const client = await ctx.temporal();
  const run = await describeRun(client, workflowId);
  if (run.status.name !== 'RUNNING')
    throw refused(
      `Run ${workflowId} has ended (${run.status.name}): there is nothing to decide. Use \`bugfix rerun ${workflowId}\` to try again.`,
    );
  // The same approver check as the Slack buttons, for the Slack user id the operator decides as.
  const name = operatorName(d.as ?? process.env.BUGFIX_SLACK_USER_ID);
  const who = checkApprover(ctx.config.slack, name);
  if (who.refused)
    throw refused(
      `${name} may not decide: ${who.refused}. Decide as your Slack user id with --as <id> (or BUGFIX_SLACK_USER_ID).`,
    );
  // Without a worker the update would wait out the deadline for nothing: say so before sending it.
  const worker = await workerPresence(client, run.taskQueue, { deadlineMs: ctx.timeoutMs }).catch(() => undefined);
  if (worker?.pollers === 0)
    throw new CliError(
      `No worker to take the decision: ${worker.message}. Nothing was recorded: start a worker (\`npm start\` or \`npm run worker\`) and decide again.`,
      EXIT.failure,
      { worker },
    );
  const decision: Decision = {
    mayApproveProtected: who.mayApproveProtected,
    approved: d.approved,
    userId: name,
    userName: name,
    via: 'cli',
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.correction ? { correction: d.correction } : {}),
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
