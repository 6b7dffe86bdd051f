import type { Config } from '../../infra/platform/config/load-config';
import type { FixSuggestion } from '../../workflows/domain/types';
import { proposeFix, type FixGuard, type ProposeFixInput } from './propose-fix';
import { currentActivity } from '../activity-context';

export type { FixRequest } from './prompt';

/**
 * Claude Code activities. `proposeFix` heartbeats while the CLI runs (give it a
 * heartbeatTimeout above 5 s so a dead worker is noticed) and stops the CLI when the
 * activity is cancelled.
 */
export function createClaudeActivities(
  config: Config['claude'],
  guard: FixGuard,
  opts: { heartbeatIntervalMs?: number; serviceDirs?: string[]; allowedDomains?: string[] } = {},
) {
  return {
    async proposeFix(input: ProposeFixInput): Promise<FixSuggestion> {
      const ctx = currentActivity();
      return proposeFix(config, guard, input, {
        heartbeatIntervalMs: opts.heartbeatIntervalMs,
        ...(opts.serviceDirs ? { serviceDirs: opts.serviceDirs } : {}),
        ...(opts.allowedDomains ? { allowedDomains: opts.allowedDomains } : {}),
        ...(ctx ? { signal: ctx.cancellationSignal, heartbeat: (info) => ctx.heartbeat(info) } : {}),
      });
    },
  };
}
