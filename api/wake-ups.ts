import type { Client } from '@temporalio/client';
import { externalEventSignal } from '../workflows/domain/messages';
import type { ExternalEvent } from '../workflows/domain/types';

/**
 * Wake-ups to runs, coalesced: a webhook only tells a run to look again (it re-reads GitHub or
 * Cursor itself), so one signal per run per window is enough. A run gets the first event of a
 * window at once and, if more came in, the latest of them when the window ends: a burst of a
 * thousand events costs its history two signals, not a thousand.
 */
export class WakeUps {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, ExternalEvent>();

  constructor(
    private readonly client: Client,
    private readonly windowMs = 2_000,
    private readonly maxRuns = 10_000,
  ) {}

  /** Signals the run now, or later in this window; returns how the event was handled. */
  async wake(workflowId: string, event: ExternalEvent): Promise<'delivered' | 'coalesced' | 'ended'> {
    const last = this.lastSent.get(workflowId);
    const now = Date.now();
    if (last !== undefined && now - last < this.windowMs) {
      if (!this.pending.has(workflowId))
        setTimeout(() => void this.flush(workflowId), last + this.windowMs - now).unref();
      this.pending.set(workflowId, event);
      return 'coalesced';
    }
    return (await this.send(workflowId, event)) ? 'delivered' : 'ended';
  }

  private async flush(workflowId: string): Promise<void> {
    const event = this.pending.get(workflowId);
    this.pending.delete(workflowId);
    if (event) await this.send(workflowId, event);
  }

  private async send(workflowId: string, event: ExternalEvent): Promise<boolean> {
    this.lastSent.delete(workflowId);
    this.lastSent.set(workflowId, Date.now());
    if (this.lastSent.size > this.maxRuns) this.lastSent.delete(this.lastSent.keys().next().value!);
    try {
      await this.client.workflow.getHandle(workflowId).signal(externalEventSignal, event);
      return true;
    } catch {
      return false; // not found or already closed: nothing waits for this event
    }
  }
}
