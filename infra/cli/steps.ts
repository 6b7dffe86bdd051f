import type { PipelineActivities } from '../../activities';
import type { Stage } from '../../workflows/domain/types';

/** Every stage, in pipeline order (a Record so a new Stage fails to compile until it is listed). */
const STAGE_ORDER: Record<Stage, number> = {
  collecting: 0,
  triaging: 1,
  cloning: 2,
  'cooling-down': 3,
  'awaiting-budget': 4,
  proposing: 5,
  testing: 6,
  'awaiting-approval': 7,
  approved: 8,
  'opening-pr': 9,
  'awaiting-pr-approval': 10,
  'awaiting-merge': 11,
  'awaiting-deploy': 12,
  verifying: 13,
  'awaiting-revert-approval': 14,
  reverting: 15,
  'verifying-revert': 16,
  'awaiting-retry': 17,
  escalated: 18,
  joined: 19,
  refused: 20,
  rejected: 21,
  expired: 22,
  failed: 23,
  'closed-unmerged': 24,
  stalled: 25,
  'verified-fixed': 26,
  regressed: 27,
  reverted: 28,
};
export const STAGES = Object.keys(STAGE_ORDER) as Stage[];

export const isStage = (name: string): name is Stage => Object.hasOwn(STAGE_ORDER, name);

/** The activities a reset can go back to, in the order a run meets them. */
export const STEP_ACTIVITIES = [
  'fetchOccurrenceLogs',
  'findRelatedRun',
  'classifyError',
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
