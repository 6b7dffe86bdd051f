import type { Client } from '@temporalio/client';
import type { bugfixWorkflow } from '../../workflows/bugfix';
import { occurrenceBatchesSignal, occurrencesSignal } from '../../workflows/domain/messages';
import { ERROR_TYPE, FINGERPRINT, SERVICE } from '../../workflows/domain/search-attributes';
import type { BugfixInput } from '../../workflows/domain/run-status';
import type { OccurrenceBatch } from '../../workflows/domain/types';

interface Waiting {
  input: BugfixInput;
  batch: OccurrenceBatch;
  bytes: number;
  resolve(runId: string): void;
  reject(err: unknown): void;
}

/** The run's Temporal history takes each signal as one event: keep one well under the 2 MB payload limit. */
const MAX_SIGNAL_BYTES = 256 * 1024;
const MAX_SIGNAL_DELIVERIES = 200;

/**
 * Signal-with-start per run, coalesced. While a call for a run is in flight, the next deliveries of
 * that run wait and then go together in one call; the first delivery of a quiet run goes at once.
 * A burst over one error costs Temporal a few calls, not one per delivery, and adds no waiting
 * window: a delivery waits at most for the call ahead of it.
 *
 * Each delivery's promise settles with the call that carried it: it resolves (the run's id) only once
 * Temporal has the occurrence durably, and rejects with that call's error otherwise, so the HTTP answer
 * never acknowledges what was not recorded. Deliveries keep their own $ID inside the batch: the run
 * counts each once, as with separate signals. Runs do not wait for each other.
 */
export class OccurrenceSender {
  private readonly lanes = new Map<string, Waiting[]>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Resolves with the run that took the occurrences (started by this call or already running). */
  send(workflowId: string, input: BugfixInput, batch: OccurrenceBatch): Promise<string> {
    return new Promise((resolve, reject) => {
      const bytes = sizeOf(batch);
      const lane = this.lanes.get(workflowId);
      if (lane) {
        lane.push({ input, batch, bytes, resolve, reject });
        return;
      }
      this.lanes.set(workflowId, []);
      void this.drain(workflowId, [{ input, batch, bytes, resolve, reject }]);
    });
  }

  /** Sends `first`, then whatever queued meanwhile, until the run's lane is empty. */
  private async drain(workflowId: string, first: Waiting[]): Promise<void> {
    let taken = first;
    while (taken.length) {
      try {
        const runId = await this.call(workflowId, taken);
        for (const w of taken) w.resolve(runId);
      } catch (err) {
        for (const w of taken) w.reject(err);
      }
      taken = this.take(this.lanes.get(workflowId)!);
    }
    this.lanes.delete(workflowId);
  }

  /** The next call's deliveries: as many queued ones as fit one signal (at least one). */
  private take(queue: Waiting[]): Waiting[] {
    let bytes = 0;
    let n = 0;
    while (n < queue.length && n < MAX_SIGNAL_DELIVERIES && (n === 0 || bytes + queue[n]!.bytes <= MAX_SIGNAL_BYTES))
      bytes += queue[n++]!.bytes;
    return queue.splice(0, n);
  }

  private async call(workflowId: string, waiting: Waiting[]): Promise<string> {
    const { input } = waiting[0]!;
    const { identity } = input;
    const options = {
      workflowId,
      taskQueue: this.taskQueue,
      args: [input] as [BugfixInput],
      typedSearchAttributes: [
        { key: FINGERPRINT, value: identity.fingerprint },
        { key: SERVICE, value: identity.service },
        { key: ERROR_TYPE, value: identity.errorType },
      ],
    };
    // A lone delivery keeps the original signal, which every worker version handles.
    const handle =
      waiting.length === 1
        ? await this.client.workflow.signalWithStart<typeof bugfixWorkflow, [OccurrenceBatch]>('bugfixWorkflow', {
            ...options,
            signal: occurrencesSignal,
            signalArgs: [waiting[0]!.batch],
          })
        : await this.client.workflow.signalWithStart<typeof bugfixWorkflow, [OccurrenceBatch[]]>('bugfixWorkflow', {
            ...options,
            signal: occurrenceBatchesSignal,
            signalArgs: [waiting.map((w) => w.batch)],
          });
    return handle.signaledRunId;
  }
}

/** Roughly the batch's encoded size: its texts dominate. */
function sizeOf(batch: OccurrenceBatch): number {
  let bytes = 512;
  for (const o of batch.occurrences) bytes += 256 + o.message.length + (o.stack?.length ?? 0) + (o.url?.length ?? 0);
  return bytes;
}
