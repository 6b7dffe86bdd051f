import type { PipelineActivities } from '../../activities';
import type { Stage } from '../../workflows/domain/types';

/** Every stage, in pipeline order (a Record so a new Stage fails to compile until it is listed). */
const STAGE_ORDER: Record<Stage, number> = {
  collecting: 0,
  cloning: 1,
  'awaiting-budget': 2,
  proposing: 3,
  'awaiting-approval': 4,
  approved: 5,
  'opening-pr': 6,
  'awaiting-merge': 7,
  'awaiting-deploy': 8,
  verifying: 9,
  'awaiting-revert-approval': 10,
  'awaiting-retry': 11,
  refused: 12,
  rejected: 13,
  expired: 14,
  failed: 15,
  'closed-unmerged': 16,
  stalled: 17,
  'verified-fixed': 18,
  regressed: 19,
  reverted: 20,
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
