import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../../infra/platform/config/load-config';
import { respondToAction } from '../../activities/slack/respond';
import { escapeText } from '../../activities/slack/mrkdwn';
import { isFixRepository } from '../../activities/git/scan-remote';
import { checkApprover } from '../../workflows/domain/approvers';
import { debtAsError, parseFixDebtValue, type FixDebtRequest } from '../../workflows/domain/debt';
import { fingerprintError, parseErrorStack, workflowIdFor } from '../../workflows/domain/identity/fingerprint';
import { runUrl } from '../../workflows/domain/run-status';
import type { OccurrenceBatch } from '../../workflows/domain/types';
import { runSettings } from '../datadog/webhook-route';
import type { OccurrenceSender } from '../datadog/occurrence-sender';

export interface FixDebtDeps {
  client: Client;
  config: Config;
  sender: OccurrenceSender;
  log: (entry: Record<string, unknown>) => void;
}

/**
 * "Fix this" on a debt digest's item: an approver's click starts a fix run of the item exactly as a
 * Jira issue or a Datadog alert does. The item becomes an error of type TechnicalDebt fingerprinted with
 * the pipeline's rule, so a second click (by anyone) joins the same run; the click is counted once per item.
 */
export async function startDebtFix(
  { client, config, sender, log }: FixDebtDeps,
  value: string,
  user: { id: string },
  responseUrl: string | undefined,
): Promise<void> {
  const say = (text: string, ephemeral: boolean) =>
    responseUrl
      ? respondToAction(responseUrl, { text, ephemeral }).catch((err: Error) =>
          log({ msg: 'response_url failed', error: err.message }),
        )
      : Promise.resolve();
  const who = checkApprover(config.slack, user.id);
  if (who.refused) {
    log({ msg: 'debt fix refused', userId: user.id, reason: who.refused });
    return void (await say(`Sorry <@${user.id}>, ${who.refused}.`, true));
  }
  const req = parseFixDebtValue(value);
  if (!req) {
    log({ msg: 'debt fix button without an item', userId: user.id });
    return void (await say('This button does not carry a debt item this service can read: run the scan again.', true));
  }
  if (!isFixRepository(config, req.repository)) {
    log({ msg: 'debt fix in a repository fix runs do not work on', repository: req.repository });
    return void (await say(
      `Fix runs work on GIT_REPO_URL's repository (branch ${config.git.branch}); \`${escapeText(req.repository)}\` is scanned but not fixed here.`,
      true,
    ));
  }

  try {
    await startRun({ client, config, sender, log }, req, user, say);
  } catch (err) {
    log({ msg: 'debt fix run not started', itemId: req.itemId, error: (err as Error).message });
    await say(`The fix run could not be started (${(err as Error).message}). Try Fix this again in a minute.`, true);
  }
}

async function startRun(
  { client, config, sender, log }: FixDebtDeps,
  req: FixDebtRequest,
  user: { id: string },
  say: (text: string, ephemeral: boolean) => Promise<void>,
): Promise<void> {
  const reported = debtAsError(req, req.repository);
  const identity = fingerprintError(reported, parseErrorStack(reported.stack));
  const workflowId = workflowIdFor(identity, config.temporal.workflowIdPrefix);
  const running = await client.workflow
    .getHandle(workflowId)
    .describe()
    .then((d) => d.status.name === 'RUNNING')
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    });
  const batch: OccurrenceBatch = {
    // One delivery per item: every click on it counts once.
    deliveryId: `debt-${req.itemId}`,
    occurrences: [
      { id: `debt-${req.itemId}`, at: new Date().toISOString(), message: reported.message, stack: reported.stack },
    ],
    debt: { itemId: req.itemId, scanWorkflowId: req.scanWorkflowId },
  };
  const settings = runSettings(config);
  const runId = await sender.send(workflowId, { identity, settings }, batch);
  log({ msg: 'debt fix run', workflowId, runId, itemId: req.itemId, userId: user.id, joined: running });
  const where = `*${escapeText(req.title)}* (\`${escapeText(`${req.file}:${req.line}`)}\`)`;
  const link = `<${runUrl(settings, workflowId, runId)}|${workflowId}>`;
  await say(
    running
      ? `${where} already has a fix run under way: ${link}`
      : `<@${user.id}> started a fix run for ${where}: ${link}. Its suggestion comes here for approval.`,
    false,
  );
}
