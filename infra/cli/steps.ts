import type { PipelineActivities } from '../../activities';
import type { Stage } from '../../workflows/domain/types';

/** Every stage, in pipeline order (a Record so a new Stage fails to compile until it is listed). */
const STAGE_ORDER: Record<Stage, number> = {
  collecting: 0,
  cloning: 1,
  'cooling-down': 2,
  'awaiting-budget': 3,
  proposing: 4,
  testing: 5,
  'awaiting-approval': 6,
  approved: 7,
  'opening-pr': 8,
  'awaiting-pr-approval': 9,
  'awaiting-merge': 10,
  'awaiting-deploy': 11,
  verifying: 12,
  'awaiting-revert-approval': 13,
  'awaiting-retry': 14,
  refused: 15,
  rejected: 16,
  expired: 17,
  failed: 18,
  'closed-unmerged': 19,
  stalled: 20,
  'verified-fixed': 21,
  regressed: 22,
  reverted: 23,
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
  'runRegressionTests',
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
  'comparePullRequest',
  'findDeployment',
  'pushRevertBranch',
] as const satisfies readonly (keyof PipelineActivities)[];

export const isStepActivity = (name: string): boolean => (STEP_ACTIVITIES as readonly string[]).includes(name);
