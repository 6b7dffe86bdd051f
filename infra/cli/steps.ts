import type { PipelineActivities } from '../../activities';
import type { Stage } from '../../workflows/domain/types';

/** Every stage, in pipeline order (a Record so a new Stage fails to compile until it is listed). */
const STAGE_ORDER: Record<Stage, number> = {
  collecting: 0,
  cloning: 1,
  'cooling-down': 2,
  'awaiting-budget': 3,
  proposing: 4,
  'awaiting-approval': 5,
  approved: 6,
  'opening-pr': 7,
  'awaiting-merge': 8,
  'awaiting-deploy': 9,
  verifying: 10,
  'awaiting-revert-approval': 11,
  'awaiting-retry': 12,
  refused: 13,
  rejected: 14,
  expired: 15,
  failed: 16,
  'closed-unmerged': 17,
  stalled: 18,
  'verified-fixed': 19,
  regressed: 20,
  reverted: 21,
};
export const STAGES = Object.keys(STAGE_ORDER) as Stage[];

export const isStage = (name: string): name is Stage => Object.hasOwn(STAGE_ORDER, name);

/** The activities a reset can go back to, in the order a run meets them. */
export const STEP_ACTIVITIES = [
  'fetchOccurrenceLogs',
  'pastRejections',
  'previousAttempt',
  'claudeSpend',
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
