import type { Run } from './run-state';

/**
 * Looks until `check` finds something or `timeoutMs` passes: at once, then on a doubling
 * backoff up to the configured maximum, and again at once whenever a webhook arrives.
 * Webhooks get lost, so the polling is what guarantees progress; they only make it faster.
 */
export async function pollUntil<T>(
  run: Run,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const { pollIntervalMs, maxPollIntervalMs } = run.settings;
  const deadline = run.waitStartedAt() + timeoutMs;
  let interval = pollIntervalMs;
  for (;;) {
    const seen = run.eventCount();
    const found = await check();
    if (found !== undefined) return found;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    await run.wait(() => run.eventCount() !== seen, Math.min(interval, remaining));
    interval = Math.min(interval * 2, maxPollIntervalMs);
  }
}
