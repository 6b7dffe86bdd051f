import type { Version3Client, Version3Models } from 'jira.js';
import { textToAdf } from '../../workflows/domain/adf';
import { jiraCall } from './jira-failure';

export interface CommentOnIssueParams {
  key: string;
  /** Plain text (see textToAdf: blank lines, ``` fences and "- " lists are kept). */
  text: string;
  /** The same key posts once, however often the activity is retried. */
  dedupeKey: string;
}

export interface CommentOnIssueResult {
  commentId: string;
  /** False when a comment with this dedupeKey was already there. */
  created: boolean;
}

/** The comment entity property that carries the dedupe key, set atomically with the comment. */
export const COMMENT_PROPERTY = 'bugfix-pipeline';
/** Jira refuses comments over 32,767 characters. */
const MAX_TEXT = 30_000;
/** Comments read back when looking for an earlier post (newest first). */
const SCAN_LIMIT = 500;
const PAGE = 100;

/**
 * Posts an ADF comment unless the issue already has one marked with `dedupeKey` (a comment
 * property, invisible to people), so a retry after a lost response does not post twice.
 */
export async function commentOnIssue(
  jira: Version3Client,
  { key, text, dedupeKey }: CommentOnIssueParams,
): Promise<CommentOnIssueResult> {
  const earlier = await findMarkedComment(jira, key, dedupeKey);
  if (earlier) return { commentId: earlier, created: false };
  const body = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n…[truncated]` : text;
  const comment = await jiraCall(`comment on ${key}`, () =>
    jira.issueComments.addComment({
      issueIdOrKey: key,
      // Our ADF is the documented shape; jira.js types `Document` more loosely than it needs to.
      comment: textToAdf(body) as Version3Models.Document,
      properties: [{ key: COMMENT_PROPERTY, value: { dedupeKey } }],
    }),
  );
  return { commentId: String(comment.id), created: true };
}

async function findMarkedComment(jira: Version3Client, key: string, dedupeKey: string): Promise<string | undefined> {
  for (let startAt = 0; startAt < SCAN_LIMIT; startAt += PAGE) {
    const page = await jiraCall(`read the comments of ${key}`, () =>
      jira.issueComments.getComments({ issueIdOrKey: key, startAt, maxResults: PAGE, orderBy: '-created' }),
    );
    const ids = (page.comments ?? []).map((c) => Number(c.id)).filter(Number.isFinite);
    if (ids.length) {
      // Listing comments does not return their properties; fetching them by id does.
      const withProps = await jiraCall(`read comment properties on ${key}`, () =>
        jira.issueComments.getCommentsByIds({ ids, expand: 'properties' }),
      );
      const hit = (withProps.values ?? []).find((c) =>
        c.properties?.some(
          (p) =>
            p.key === COMMENT_PROPERTY && (p.value as { dedupeKey?: unknown } | undefined)?.dedupeKey === dedupeKey,
        ),
      );
      if (hit?.id) return String(hit.id);
    }
    const total = page.total ?? 0;
    if (!page.comments?.length || startAt + page.comments.length >= total) return undefined;
  }
  return undefined;
}
