import { describe, expect, it } from 'vitest';
import { checkApprover } from '../../../workflows/domain/approvers';

const approvers = (approverUserIds: string[], protectedPathApproverUserIds: string[] = []) => ({
  approverUserIds,
  protectedPathApproverUserIds,
});

describe('who may decide (fails closed)', () => {
  it('nobody when no approvers are configured, saying how to set them', () => {
    expect(checkApprover(approvers([]), 'U1').refused).toMatch(
      /^no approvers are configured.*set APPROVER_SLACK_USER_IDS/,
    );
  });

  it('only the listed approvers', () => {
    expect(checkApprover(approvers(['U1', 'U2']), 'U2')).toEqual({ mayApproveProtected: false });
    expect(checkApprover(approvers(['U1', 'U2']), 'U3').refused).toBe(
      'only the configured approvers can approve or reject fixes',
    );
    expect(checkApprover(approvers(['U1']), '').refused).toBeDefined();
  });

  it('anyone in the channel only when the operator says so with *', () => {
    expect(checkApprover(approvers(['*']), 'U9')).toEqual({ mayApproveProtected: false });
  });

  it('protected-path approvers decide any fix and may approve protected ones; approvers may not', () => {
    const a = approvers(['U1'], ['USEC']);
    expect(checkApprover(a, 'USEC')).toEqual({ mayApproveProtected: true });
    expect(checkApprover(a, 'U1')).toEqual({ mayApproveProtected: false });
    expect(checkApprover(approvers([], ['USEC']), 'U1').refused).toBe(
      'only the configured approvers can approve or reject fixes',
    );
  });
});
