/** What the demo's stages share, and the polling they are built on. */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Config } from '../../infra/platform/config/load-config';
import type { RunStatus } from '../../workflows/domain/run-status';
import { statusQuery } from '../../workflows/domain/messages';
import type { DemoFakes } from './fakes';

export interface StageOutcome {
  /** One line shown next to the stage name. */
  summary: string;
  details?: string[];
  /** How long the stage took, when the workflow's own timeline knows better than the demo's clock. */
  tookMs?: number | undefined;
}

/** One narrated stage: `name` heads its line and names it in a failure message. */
export interface DemoStage<C> {
  name: string;
  /** Workflow stages this one narrates, so the follow-up does not narrate them twice. */
  covers?: string[];
  run(ctx: C): Promise<StageOutcome>;
}

export class StageError extends Error {
  constructor(
    readonly stage: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'StageError';
  }
}

export interface PipelineContext {
  config: Config;
  client: Client;
  fakes: DemoFakes;
  apiUrl: string;
  /** The admin listener (the report page). */
  adminUrl: string;
  /** Set by the webhook stage. */
  workflowId?: string;
  /** The workflow's result, once it completed. */
  result?: RunStatus;
  /** Prints a stage found while following the run (one the list does not know). */
  announce(name: string, outcome: StageOutcome): void;
}

export function handleOf(ctx: PipelineContext): WorkflowHandle {
  if (!ctx.workflowId) throw new Error('no workflow was started');
  return ctx.client.workflow.getHandle(ctx.workflowId);
}

/** The run itself says it cannot get where the demo waits for it: no point polling on. */
class RunOutcomeError extends Error {}

const POLL_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the run's `status` query until `predicate` holds. Fails at once when the run
 * reports `failed` or has closed without reaching the awaited point.
 */
export async function waitForStatus(
  ctx: PipelineContext,
  what: string,
  predicate: (s: RunStatus) => boolean,
  timeoutMs: number,
): Promise<RunStatus> {
  const handle = handleOf(ctx);
  const deadline = Date.now() + timeoutMs;
  let last: RunStatus | undefined;
  let lastError: unknown;
  for (let i = 0; ; i++) {
    try {
      last = await handle.query(statusQuery);
      if (predicate(last)) return last;
      if (last.stage === 'failed')
        throw new RunOutcomeError(`the run failed at ${failedAt(last)}: ${last.failure ?? 'no reason given'}`);
      if (i % 7 === 6) {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') {
          last = await handle.query(statusQuery);
          if (predicate(last)) return last;
          throw new RunOutcomeError(`the run ended (${status.name}) at stage ${last.stage} before ${what}`);
        }
      }
    } catch (err) {
      if (err instanceof RunOutcomeError) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const where = last
        ? `the run is at stage ${last.stage}`
        : `no status: ${(lastError as Error | undefined)?.message ?? 'unknown'}`;
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what} (${where})`);
    }
    await sleep(POLL_MS);
  }
}

/** Polls anything (e.g. a fake, or a schedule's description) until it returns a value. */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

export const reached = (s: RunStatus, stage: string) => s.timeline.some((t) => t.stage === stage);

/** Time the run spent in `stage`, from its own timeline (entry to the next entry). */
export function timeIn(s: RunStatus, stage: string): number | undefined {
  const i = s.timeline.findIndex((t) => t.stage === stage);
  const next = s.timeline[i + 1];
  if (i < 0 || !next) return undefined;
  return Date.parse(next.at) - Date.parse(s.timeline[i]!.at);
}

function failedAt(s: RunStatus): string {
  return s.timeline.at(-2)?.stage ?? 'start';
}

/** `approved by demo-approver`, or the stage name when nobody decided. */
export function finalState(s: RunStatus): string {
  const d = s.decision;
  if (!d) return s.failure ? `${s.stage}: ${s.failure}` : s.stage;
  const verdict = `${d.approved ? 'approved' : 'rejected'} by ${d.userName}${d.reason ? ` (${d.reason})` : ''}`;
  return s.stage === (d.approved ? 'approved' : 'rejected') ? verdict : `${s.stage} (${verdict})`;
}
