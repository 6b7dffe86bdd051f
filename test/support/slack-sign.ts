import { createHmac } from 'node:crypto';

/** Headers Slack would send with `body`, signed with `signingSecret` at `timestamp` (seconds). */
export function signSlackRequest(
  signingSecret: string,
  body: string | Buffer,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const ts = String(timestamp);
  const hmac = createHmac('sha256', signingSecret).update(`v0:${ts}:`).update(body).digest('hex');
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hmac}` };
}

export interface BlockActionsOptions {
  actionId: string;
  /** The button's value: the workflow id. */
  value: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  messageTs?: string;
  responseUrl?: string;
  teamId?: string;
  blockId?: string;
}

/** The JSON Slack sends in `payload` when someone clicks a button of a message. */
export function blockActionsPayload(o: BlockActionsOptions) {
  const teamId = o.teamId ?? 'T0TEAM0001';
  const channelId = o.channelId ?? 'C0BUGS0001';
  const messageTs = o.messageTs ?? '1712345678.000100';
  const userName = o.userName ?? 'ada';
  const actionTs = (Date.now() / 1000).toFixed(6);
  return {
    type: 'block_actions',
    user: { id: o.userId ?? 'U0APPROVER', username: userName, name: userName, team_id: teamId },
    api_app_id: 'A0BUGFIX01',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: `${Date.now()}.123456789.abcdef0123456789`,
    team: { id: teamId, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'bugs' },
    message: {
      type: 'message',
      subtype: 'bot_message',
      ts: messageTs,
      bot_id: 'B0BUGFIX01',
      text: 'Bug fix suggestion',
      blocks: [],
    },
    state: { values: {} },
    response_url: o.responseUrl ?? `https://hooks.slack.com/actions/${teamId}/1/abcdef`,
    actions: [
      {
        action_id: o.actionId,
        block_id: o.blockId ?? 'bugfix_decision',
        text: { type: 'plain_text', text: o.actionId.endsWith('approve') ? 'Approve' : 'Reject', emoji: true },
        value: o.value,
        style: o.actionId.endsWith('approve') ? 'primary' : 'danger',
        type: 'button',
        action_ts: actionTs,
      },
    ],
  };
}

/**
 * A signed button click as Slack delivers it: form-encoded `payload=<json>` plus headers.
 * Pass `timestamp` to forge stale requests, `signingSecret` of another app to forge bad ones.
 */
export function signedBlockActions(
  signingSecret: string,
  o: BlockActionsOptions,
  timestamp?: number,
): { body: string; headers: Record<string, string> } {
  return signedInteraction(signingSecret, blockActionsPayload(o), timestamp);
}

/** The JSON Slack sends in `payload` when someone submits a modal. */
export function viewSubmissionPayload(o: {
  callbackId: string;
  privateMetadata?: string;
  values?: Record<
    string,
    Record<string, { type?: string; value?: string | null; selected_option?: { value: string } }>
  >;
  userId?: string;
  userName?: string;
}) {
  const userName = o.userName ?? 'ada';
  return {
    type: 'view_submission',
    team: { id: 'T0TEAM0001', domain: 'acme' },
    user: { id: o.userId ?? 'U0APPROVER', username: userName, name: userName, team_id: 'T0TEAM0001' },
    api_app_id: 'A0BUGFIX01',
    trigger_id: `${Date.now()}.123456789.fedcba9876543210`,
    view: {
      id: 'V0MODAL001',
      type: 'modal',
      callback_id: o.callbackId,
      private_metadata: o.privateMetadata ?? '',
      state: {
        values: Object.fromEntries(
          Object.entries(o.values ?? {}).map(([b, acts]) => [
            b,
            Object.fromEntries(
              Object.entries(acts).map(([a, v]) => [
                a,
                // Slack's view_submission state for a static_select: the chosen option whole, text and value.
                v.selected_option
                  ? {
                      type: v.type ?? 'static_select',
                      selected_option: {
                        text: { type: 'plain_text', text: v.selected_option.value, emoji: true },
                        value: v.selected_option.value,
                      },
                    }
                  : { type: v.type ?? 'plain_text_input', value: v.value ?? null },
              ]),
            ),
          ]),
        ),
      },
    },
    response_urls: [],
  };
}

/** Form-encodes and signs any interaction payload, as Slack delivers it. */
export function signedInteraction(
  signingSecret: string,
  payload: object,
  timestamp?: number,
): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(signingSecret, body, timestamp),
    },
  };
}
