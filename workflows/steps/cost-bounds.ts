import { condition, log, workflowInfo } from '@temporalio/workflow';
import type { Run } from '../run-state';

/** Stages that mean a human said no, nobody answered, or the fix could not be offered. */
const SAID_NO = ['rejected', 'expired', 'refused'];

/**
 * What may stop a run before it spends on Claude Code: a recent no for the same error (FIX_COOLDOWN)
 * and the day's budgets. The run waits, durably and visibly (its stage), still counting sightings,
 * until the cooldown ends, the next UTC day begins or an operator answers; `bugfix approve` goes
 * ahead now, `bugfix reject` stops the run. Returns false when the run was stopped.
 */
export async function withinCostBounds(run: Run, enter: (stage: 'cooling-down' | 'awaiting-budget') => Promise<void>) {
  const { temporal } = run.act;
  const bounds = run.settings.budget!;
  const { workflowId, runId } = workflowInfo();
  const { service } = run.input.identity;

  const previous = run.input.skipCooldown
    ? undefined
    : await temporal.previousAttempt({ workflowId, currentRunId: runId });
  if (previous && SAID_NO.includes(previous.stage)) {
    const until = Date.parse(previous.closedAt) + bounds.cooldownMs;
    if (until > Date.now()) {
      run.record.notes.push(
        `The previous run of this error ended ${previous.stage} at ${previous.closedAt}: no new proposal before ${new Date(until).toISOString()} (FIX_COOLDOWN), unless an operator goes ahead with \`bugfix approve ${workflowId}\`.`,
      );
      await enter('cooling-down');
      await condition(() => run.answerOf('skip-cooldown') !== undefined, until - Date.now());
      const answer = run.answerOf('skip-cooldown');
      if (answer && !answer.approved) return false;
    }
  }

  for (;;) {
    const since = new Date().toISOString().slice(0, 10) + 'T00:00:00.000Z';
    const spent = await temporal.claudeSpend({ service, since });
    const over =
      spent.totalUsd >= bounds.dailyUsd
        ? `all services spent $${spent.totalUsd.toFixed(2)} of CLAUDE_DAILY_BUDGET_USD ($${bounds.dailyUsd})`
        : spent.serviceUsd >= bounds.serviceDailyUsd
          ? `${service} spent $${spent.serviceUsd.toFixed(2)} of CLAUDE_SERVICE_DAILY_BUDGET_USD ($${bounds.serviceDailyUsd})`
          : undefined;
    if (!over) return true;
    const nextDay = Date.parse(since) + 86_400_000;
    run.record.notes.push(
      `Claude Code budget reached today: ${over}. Waiting until ${new Date(nextDay).toISOString()}, unless an operator goes ahead with \`bugfix approve ${workflowId}\`.`,
    );
    log.warn('over the Claude Code budget: waiting', {
      service,
      totalUsd: spent.totalUsd,
      serviceUsd: spent.serviceUsd,
    });
    await enter('awaiting-budget');
    await condition(() => run.answerOf('exceed-budget') !== undefined, nextDay - Date.now());
    const answer = run.answerOf('exceed-budget');
    if (answer) return answer.approved;
  }
}
