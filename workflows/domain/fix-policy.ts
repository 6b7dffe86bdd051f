import type { FixSuggestion } from './types';
import type { RunSettings } from './run-status';

/**
 * Why a fix may not be offered for approval at all, or undefined. A diff over FIX_MAX_DIFF_BYTES
 * is not a bug fix; one that changes protected files (CI, dependencies, symlinks, ...) came from
 * text an attacker can write, so it is refused unless the operator chose a separate approval.
 */
export function refusalOf(fix: FixSuggestion, settings: Pick<RunSettings, 'protectedPaths'>): string | undefined {
  if (fix.oversized)
    return `Refused: the diff is ${Math.ceil(fix.oversized.bytes / 1024)} KB, over FIX_MAX_DIFF_BYTES; a change this large needs a human author.`;
  const guarded = fix.protectedFiles ?? [];
  if (guarded.length && settings.protectedPaths !== 'separate-approval')
    return `Refused: this fix changes protected files (${protectedList(fix)}), so nobody can approve it here. To let a separate list of approvers decide such fixes, set PROTECTED_PATHS_POLICY=separate-approval and PROTECTED_PATH_APPROVER_SLACK_USER_IDS.`;
  return undefined;
}

/** "path (reason), ..." for messages. */
export function protectedList(fix: FixSuggestion): string {
  return (fix.protectedFiles ?? []).map((g) => `${g.path} (${g.reason})`).join(', ');
}
