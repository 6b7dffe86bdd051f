/** Who may decide, from the service's configuration (APPROVER_SLACK_USER_IDS, PROTECTED_PATH_APPROVER_SLACK_USER_IDS). */
export interface Approvers {
  approverUserIds: readonly string[];
  protectedPathApproverUserIds: readonly string[];
}

/** `refused` says why this user may not decide; otherwise `mayApproveProtected` says how far they may. */
export interface ApproverCheck {
  refused?: string;
  mayApproveProtected: boolean;
}

/**
 * The one check every decision goes through: Slack buttons, the reject dialog, retry, give up,
 * revert and the CLI. Fails closed: with no approvers configured nobody may decide, unless the
 * operator opted in to anyone in the channel with APPROVER_SLACK_USER_IDS=*. Protected-path
 * approvers may decide any fix; only they may approve one that changes protected files (the run
 * enforces that part, since only it knows what its fix changes).
 */
export function checkApprover(a: Approvers, userId: string): ApproverCheck {
  const listed = (ids: readonly string[]) => Boolean(userId) && (ids.includes(userId) || ids.includes('*'));
  const mayApproveProtected = listed(a.protectedPathApproverUserIds);
  if (mayApproveProtected || listed(a.approverUserIds)) return { mayApproveProtected };
  if (!a.approverUserIds.length && !a.protectedPathApproverUserIds.length) {
    return {
      mayApproveProtected: false,
      refused:
        'no approvers are configured, so nobody can approve or reject fixes yet: set APPROVER_SLACK_USER_IDS to the Slack user ids who may decide (or * for anyone in the channel)',
    };
  }
  return { mayApproveProtected: false, refused: 'only the configured approvers can approve or reject fixes' };
}
