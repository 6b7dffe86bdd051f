import { condition } from '@temporalio/workflow';
import type { RunState } from './run-state';

/**
 * Looks until `check` finds something or `timeoutMs` passes: at once, then on a doubling
 * backoff up to the configured maximum, and again at once whenever a webhook arrives.
 * Webhooks get lost, so the polling is what guarantees progress; they only make it faster.
 */
export async function pollUntil<T>(state: RunState, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T | undefined> {
  const { pollIntervalMs, maxPollIntervalMs } = state.settings;
  const deadline = Date.now() + timeoutMs;
  let interval = pollIntervalMs;
  for (;;) {
    const seen = state.eventCount();
    const found = await check();
    if (found !== undefined) return found;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    await condition(() => state.eventCount() !== seen, Math.min(interval, remaining));
    interval = Math.min(interval * 2, maxPollIntervalMs);
  }
}
