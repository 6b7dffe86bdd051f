import { Context } from '@temporalio/activity';

/**
 * The context of the activity we run in, or undefined when the code is called outside a worker
 * (tests, scripts): every module works both ways.
 */
export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The activity's cancellation signal when running in a worker; nothing when called directly. */
export function activitySignal(): { signal?: AbortSignal } {
  const ctx = currentActivity();
  return ctx ? { signal: ctx.cancellationSignal } : {};
}
