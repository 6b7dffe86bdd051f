import type { PipelineActivities } from '../../activities';
import type { Stage } from '../../workflows/domain/types';

/** Every stage, in pipeline order (a Record so a new Stage fails to compile until it is listed). */
const STAGE_ORDER: Record<Stage, number> = {
  collecting: 0,
  cloning: 1,
  proposing: 2,
  'awaiting-approval': 3,
  approved: 4,
  'opening-pr': 5,
  'awaiting-merge': 6,
  'awaiting-deploy': 7,
  verifying: 8,
  'awaiting-revert-approval': 9,
  'awaiting-retry': 10,
  rejected: 11,
  expired: 12,
  failed: 13,
  'closed-unmerged': 14,
  stalled: 15,
  'verified-fixed': 16,
  regressed: 17,
  reverted: 18,
};
export const STAGES = Object.keys(STAGE_ORDER) as Stage[];

export const isStage = (name: string): name is Stage => Object.hasOwn(STAGE_ORDER, name);

/** The activities a reset can go back to, in the order a run meets them. */
export const STEP_ACTIVITIES = [
  'fetchOccurrenceLogs',
  'pastRejections',
  'cloneRepository',
  'proposeFix',
  'postSuggestion',
  'updateSuggestion',
  'replyInThread',
  'pushFixBranch',
  'launchFixAgent',
  'getAgent',
  'findPullRequest',
  'threadReplies',
  'openPullRequest',
  'listReviews',
  'getPullRequest',
  'findDeployment',
  'pushRevertBranch',
] as const satisfies readonly (keyof PipelineActivities)[];

export const isStepActivity = (name: string): boolean => (STEP_ACTIVITIES as readonly string[]).includes(name);
