import type { Config } from '../../infra/platform/config/load-config';

/**
 * The one check every Slack decision goes through (buttons and the reject dialog alike).
 * Fails closed: with no approvers configured nobody may decide, unless the operator opted in
 * to anyone in the channel with APPROVER_SLACK_USER_IDS=*. Returns why not, or undefined.
 */
export function refuseApprover(slack: Config['slack'], userId: string): string | undefined {
  const ids = slack.approverUserIds;
  if (ids.includes('*')) return undefined;
  if (!ids.length) {
    return 'no approvers are configured, so nobody can approve or reject fixes yet: set APPROVER_SLACK_USER_IDS to the Slack user ids who may decide (or * for anyone in the channel)';
  }
  return ids.includes(userId) ? undefined : 'only the configured approvers can approve or reject fixes';
}
