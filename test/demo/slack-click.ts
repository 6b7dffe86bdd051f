/** A button click in the demo's Slack channel, by the demo's approver, signed and delivered as Slack does. */
import { signedBlockActions } from '../support/slack-sign';
import { APPROVER, SIGNING_SECRET, SLACK_CHANNEL } from './fakes';
import type { PipelineContext } from './context';

export interface Click {
  actionId: string;
  value: string;
  /** The message the button is on. */
  messageTs: string;
  blockId?: string;
  /** Names the click's response_url in the Slack fake, where the API's answer lands. */
  responseId: string;
}

/** POSTs the click to `apiUrl`'s /slack/interactions; fails unless Slack would see HTTP 200. */
export async function clickAsApprover(ctx: PipelineContext, apiUrl: string, click: Click): Promise<void> {
  const { body, headers } = signedBlockActions(SIGNING_SECRET, {
    actionId: click.actionId,
    value: click.value,
    userId: APPROVER.id,
    userName: APPROVER.name,
    channelId: SLACK_CHANNEL,
    messageTs: click.messageTs,
    ...(click.blockId ? { blockId: click.blockId } : {}),
    responseUrl: ctx.fakes.slack.responseUrl(click.responseId),
  });
  const res = await fetch(`${apiUrl}/slack/interactions`, { method: 'POST', body, headers });
  if (res.status !== 200) throw new Error(`POST /slack/interactions answered HTTP ${res.status}: ${await res.text()}`);
}
