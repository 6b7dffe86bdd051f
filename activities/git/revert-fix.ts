import { pushPatchBranch, type PushBranchOptions, type PushedBranch } from './push-fix';

/**
 * Creates `branch` from the tip of `baseBranch` (where the fix has been
 * merged) plus one commit undoing `diff`, the fix's original diff. Idempotent
 * like `pushFixBranch`: an existing branch is returned, not pushed again.
 * Fails with PatchDoesNotApply when the fixed lines have changed since.
 */
export function pushRevertBranch(opts: PushBranchOptions): Promise<PushedBranch> {
  return pushPatchBranch(opts, { reverse: true });
}
