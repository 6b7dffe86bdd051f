import { rm } from 'node:fs/promises';
import type { Config } from '../../infra/platform/config/load-config';
import type { TestEvidence } from '../../workflows/domain/test-evidence';
import { currentActivity } from '../activity-context';
import { runRegressionTests } from './regression-tests';
import { sandboxPolicy } from './sandbox-policy';

export { detectTestCommand } from './detect-test-command';
export { sandboxReady } from './sandbox-packages';
export { sandboxPolicy, claudeSandboxSettings, type SandboxPolicy } from './sandbox-policy';

export interface RegressionTestRequest {
  /** A clean checkout of `commit`, which the runs may write into. */
  dir: string;
  commit: string;
  diff: string;
  errorWords: string[];
}

/**
 * The sandbox's activities: the application's tests, run on the deployed commit and with the fix.
 * `serviceDirs` are the worker's own data (the repository store, the work root): unreadable inside.
 */
export function createSandboxActivities(config: Config['tests'], opts: { serviceDirs: string[] }) {
  return {
    async runRegressionTests(input: RegressionTestRequest): Promise<TestEvidence> {
      const ctx = currentActivity();
      const scratch = `${input.dir}.sandbox`;
      // A long suite keeps the activity alive; a dead worker is still noticed within the heartbeat timeout.
      const beat = ctx ? setInterval(() => ctx.heartbeat(), 5_000) : undefined;
      try {
        return await runRegressionTests({
          ...input,
          ...(config.command ? { command: config.command } : {}),
          policy: sandboxPolicy({
            checkout: input.dir,
            scratch,
            allowedDomains: config.allowedDomains,
            serviceDirs: opts.serviceDirs,
            pathEnv: process.env.PATH ?? '',
          }),
          limits: { timeoutMs: config.timeoutMs, cpuSeconds: config.cpuSeconds, maxOutputBytes: config.maxOutputBytes },
          ...(ctx ? { signal: ctx.cancellationSignal, onRun: (stage: string) => ctx.heartbeat({ stage }) } : {}),
        });
      } finally {
        clearInterval(beat);
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}
