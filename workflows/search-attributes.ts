import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed search attributes every pipeline run carries, for filtering in the Web UI and the CLI. */
export const FINGERPRINT = defineSearchAttributeKey('BugfixFingerprint', SearchAttributeType.KEYWORD);
export const SERVICE = defineSearchAttributeKey('BugfixService', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('BugfixStage', SearchAttributeType.KEYWORD);
export const ERROR_TYPE = defineSearchAttributeKey('BugfixErrorType', SearchAttributeType.KEYWORD);
export const OCCURRENCES = defineSearchAttributeKey('BugfixOccurrences', SearchAttributeType.INT);
export const COST_USD = defineSearchAttributeKey('BugfixCostUsd', SearchAttributeType.DOUBLE);

export const ALL_SEARCH_ATTRIBUTES = [FINGERPRINT, SERVICE, STAGE, ERROR_TYPE, OCCURRENCES, COST_USD] as const;
