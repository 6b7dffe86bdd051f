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
  'awaiting-pr-approval': 8,
  'awaiting-merge': 9,
  'awaiting-deploy': 10,
  verifying: 11,
  'awaiting-revert-approval': 12,
  'awaiting-retry': 13,
  refused: 14,
  rejected: 15,
  expired: 16,
  failed: 17,
  'closed-unmerged': 18,
  stalled: 19,
  'verified-fixed': 20,
  regressed: 21,
  reverted: 22,
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
  'comparePullRequest',
  'findDeployment',
  'pushRevertBranch',
] as const satisfies readonly (keyof PipelineActivities)[];

export const isStepActivity = (name: string): boolean => (STEP_ACTIVITIES as readonly string[]).includes(name);
