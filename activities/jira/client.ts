import { ApplicationFailure } from '@temporalio/common';
import { Version3Client } from 'jira.js';
import type { JiraConfig } from '../../infra/platform/config/jira-config';
import { JiraFailureType } from './jira-failure';

export type JiraClientConfig = Pick<JiraConfig, 'baseUrl' | 'email' | 'apiToken'>;

export interface JiraClientOptions {
  timeoutMs?: number;
  /** Aborts in-flight requests (the activity's cancellation signal). */
  signal?: AbortSignal;
}

/** A Jira Cloud REST v3 client with basic auth (email + API token); jira.js does not retry, which is what we want. */
export function createJiraClient(config: JiraClientConfig, options: JiraClientOptions = {}): Version3Client {
  const { baseUrl, email, apiToken } = config;
  if (!baseUrl || !email || !apiToken)
    throw ApplicationFailure.create({
      message: 'Jira is not configured: set JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN',
      type: JiraFailureType.Config,
      nonRetryable: true,
    });
  return new Version3Client({
    host: baseUrl,
    authentication: { basic: { email, apiToken } },
    baseRequestConfig: {
      timeout: options.timeoutMs ?? 30_000,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  });
}

/** Where people open an issue. */
export function browseUrl(baseUrl: string, key: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`;
}
