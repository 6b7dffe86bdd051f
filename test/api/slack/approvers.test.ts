import { describe, expect, it } from 'vitest';
import { refuseApprover } from '../../../api/slack/approvers';

const slack = (approverUserIds: string[]) => ({ approverUserIds });

describe('who may decide (fails closed)', () => {
  it('nobody when no approvers are configured, saying how to set them', () => {
    expect(refuseApprover(slack([]), 'U1')).toMatch(/^no approvers are configured.*set APPROVER_SLACK_USER_IDS/);
  });

  it('only the listed approvers', () => {
    expect(refuseApprover(slack(['U1', 'U2']), 'U2')).toBeUndefined();
    expect(refuseApprover(slack(['U1', 'U2']), 'U3')).toBe('only the configured approvers can approve or reject fixes');
  });

  it('anyone in the channel only when the operator says so with *', () => {
    expect(refuseApprover(slack(['*']), 'U9')).toBeUndefined();
  });
});
