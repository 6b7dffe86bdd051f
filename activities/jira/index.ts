import type { JiraConfig } from '../../infra/platform/config/jira-config';
import { activitySignal } from '../activity-context';
import { createJiraClient } from './client';
import { commentOnIssue, type CommentOnIssueParams, type CommentOnIssueResult } from './comment-on-issue';
import { createIssue, type CreateIssueParams, type CreateIssueResult } from './create-issue';
import { transitionIssue, type TransitionIssueParams, type TransitionIssueResult } from './transition-issue';

export { JiraFailureType, toJiraFailure } from './jira-failure';
export type { CommentOnIssueParams, CommentOnIssueResult } from './comment-on-issue';
export type { CreateIssueParams, CreateIssueResult } from './create-issue';
export type { TransitionIssueParams, TransitionIssueResult } from './transition-issue';

/**
 * The Jira Cloud activities. Without JIRA_BASE_URL / JIRA_EMAIL / JIRA_API_TOKEN they fail
 * with a non-retryable JiraConfig when called, so a worker without Jira still starts.
 */
export function createJiraActivities(config: JiraConfig) {
  // A client per call, so the activity's cancellation also aborts the request in flight.
  const client = () => createJiraClient(config, activitySignal());
  return {
    /** An ADF comment on the issue, once per dedupeKey. */
    async commentOnIssue(params: CommentOnIssueParams): Promise<CommentOnIssueResult> {
      return commentOnIssue(client(), params);
    },
    /** Moves the issue by transition name; a no-op when already there, a result (not a failure) when not offered. */
    async transitionIssue(params: TransitionIssueParams): Promise<TransitionIssueResult> {
      return transitionIssue(client(), params);
    },
    /** Opens an issue (an escalated run's), once per dedupeKey. */
    async createIssue(params: CreateIssueParams): Promise<CreateIssueResult> {
      const jira = client();
      return createIssue(jira, config.baseUrl!, params);
    },
  };
}

export type JiraActivities = ReturnType<typeof createJiraActivities>;
