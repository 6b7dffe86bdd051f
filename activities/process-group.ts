import type { ChildProcess } from 'node:child_process';
import { CancelledFailure } from '@temporalio/common';

/**
 * A detached child's process group, stopped as a whole: the CLI or the sandbox and everything they
 * started. `stop` asks (SIGTERM), then insists after `killGraceMs` (SIGKILL); `finish`, once the child
 * has exited, kills whatever it left behind in its group.
 */
export function processGroup(child: ChildProcess, killGraceMs: number) {
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // ESRCH: the group is gone already.
    }
  };
  return {
    stop(): void {
      kill('SIGTERM');
      killTimer ??= setTimeout(() => kill('SIGKILL'), killGraceMs);
    },
    finish(): void {
      clearTimeout(killTimer);
      kill('SIGKILL');
    },
  };
}

/** The error a cancelled run rejects with: the signal's reason when it is one, else a CancelledFailure. */
export function cancellation(signal: AbortSignal | undefined, message: string): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new CancelledFailure(message);
}
