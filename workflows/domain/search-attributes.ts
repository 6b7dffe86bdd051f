import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed search attributes every pipeline run carries, for filtering in the Web UI and the CLI. */
export const FINGERPRINT = defineSearchAttributeKey('BugfixFingerprint', SearchAttributeType.KEYWORD);
export const SERVICE = defineSearchAttributeKey('BugfixService', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('BugfixStage', SearchAttributeType.KEYWORD);
export const ERROR_TYPE = defineSearchAttributeKey('BugfixErrorType', SearchAttributeType.KEYWORD);
export const OCCURRENCES = defineSearchAttributeKey('BugfixOccurrences', SearchAttributeType.INT);
export const COST_USD = defineSearchAttributeKey('BugfixCostUsd', SearchAttributeType.DOUBLE);
/** The fix's pull request URL, and its merge commit: how a GitHub webhook finds its run. */
export const PULL_REQUEST = defineSearchAttributeKey('BugfixPullRequest', SearchAttributeType.KEYWORD);
export const MERGE_COMMIT = defineSearchAttributeKey('BugfixMergeCommit', SearchAttributeType.KEYWORD);
/** The triage's category (code-defect, infrastructure, ...), once classified. */
export const CATEGORY = defineSearchAttributeKey('BugfixCategory', SearchAttributeType.KEYWORD);
/** The top in-app frame: runs of one service sharing it share a root cause (related fingerprints). */
export const TOP_FRAME = defineSearchAttributeKey('BugfixTopFrame', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  FINGERPRINT,
  SERVICE,
  STAGE,
  ERROR_TYPE,
  OCCURRENCES,
  COST_USD,
  PULL_REQUEST,
  MERGE_COMMIT,
  CATEGORY,
  TOP_FRAME,
] as const;

/** A value as a string literal in a visibility query: quoted, its quotes and backslashes escaped. */
export const queryString = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;
