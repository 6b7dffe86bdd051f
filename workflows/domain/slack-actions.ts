/**
 * The contract between the Slack message the pipeline posts and the ingress that receives its
 * clicks: every question a run asks uses the same two actions, yes is APPROVE and no is REJECT,
 * each carrying the run's workflow id as its value. A reject opens the reason dialog.
 */
export const APPROVE_ACTION_ID = 'bugfix_approve';
export const REJECT_ACTION_ID = 'bugfix_reject';
/** A rejection of the fix that also says the error is not a code bug: the triage learns from it. */
export const NOT_CODE_ACTION_ID = 'bugfix_not_code';
export const NOT_CODE_DIALOG_ID = 'bugfix_not_code_category';
export const DECISION_BLOCK_ID = 'bugfix_decision';
export const REJECT_REASON_DIALOG_ID = 'bugfix_reject_reason';
/** "Fix this" on an item of a technical-debt digest: its value is the item (workflows/domain/debt.ts fixDebtValue). */
export const FIX_DEBT_ACTION_ID = 'bugfix_fix_debt';
