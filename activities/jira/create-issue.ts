import { createHash } from 'node:crypto';
import type { Version3Client, Version3Models } from 'jira.js';
import { textToAdf } from '../../workflows/domain/adf';
import { browseUrl } from './client';
import { jiraCall } from './jira-failure';

export interface CreateIssueParams {
  /** Project key. */
  project: string;
  /** Issue type name, such as Bug. */
  issueType: string;
  summary: string;
  /** The description, as plain text (see textToAdf). */
  text: string;
  labels: string[];
  /** The same key opens one issue, however often the activity is retried. */
  dedupeKey: string;
}

export interface CreateIssueResult {
  key: string;
  id: string;
  url: string;
  /** False when an issue with this dedupeKey existed already. */
  created: boolean;
}

/** Jira caps a summary at 255 characters and labels cannot hold spaces. */
const MAX_SUMMARY = 255;
const MAX_DESCRIPTION = 30_000;

/** The label that marks the issue opened for `dedupeKey`: readable when short, hashed when long or unusual. */
export function dedupeLabel(dedupeKey: string): string {
  const clean = dedupeKey.replace(/[^A-Za-z0-9_.-]+/g, '-');
  if (clean.length <= 80 && clean === dedupeKey) return `bugfix-${clean}`;
  return `bugfix-${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}`;
}

/**
 * Opens an issue unless one labelled with the dedupe key exists (found by JQL first). Jira's
 * search is eventually consistent, so a retry moments after a create whose answer was lost may
 * still miss it: rare, and a duplicate issue is visible and harmless.
 */
export async function createIssue(
  jira: Version3Client,
  baseUrl: string,
  p: CreateIssueParams,
): Promise<CreateIssueResult> {
  const label = dedupeLabel(p.dedupeKey);
  const found = await jiraCall(`search ${p.project} for ${label}`, () =>
    jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql: `project = "${p.project.replace(/["\\]/g, '')}" AND labels = "${label}" ORDER BY created ASC`,
      fields: ['summary'],
      maxResults: 1,
    }),
  );
  const existing = found.issues?.[0];
  if (existing?.key && existing.id)
    return { key: existing.key, id: existing.id, url: browseUrl(baseUrl, existing.key), created: false };

  const description = p.text.length > MAX_DESCRIPTION ? `${p.text.slice(0, MAX_DESCRIPTION)}\n…[truncated]` : p.text;
  const labels = [...new Set([...p.labels.map((l) => l.replace(/\s+/g, '-')).filter(Boolean), label])];
  const created = await jiraCall(`open an issue in ${p.project}`, () =>
    jira.issues.createIssue({
      fields: {
        project: { key: p.project },
        issuetype: { name: p.issueType },
        summary: p.summary.replace(/\s+/g, ' ').trim().slice(0, MAX_SUMMARY),
        // Our ADF is the documented shape; jira.js types `Document` more loosely than it needs to.
        description: textToAdf(description) as Version3Models.Document,
        labels,
      },
    }),
  );
  return { key: created.key, id: created.id, url: browseUrl(baseUrl, created.key), created: true };
}
