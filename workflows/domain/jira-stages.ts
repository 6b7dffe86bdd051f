/** Run stages that may move a Jira issue (JIRA_TRANSITIONS keys). */
export const JIRA_STAGES = [
  'suggested',
  'pr-opened',
  'merged',
  'deployed',
  'verified',
  'regressed',
  'escalated',
  'rejected',
  'expired',
] as const;
export type JiraStage = (typeof JIRA_STAGES)[number];
