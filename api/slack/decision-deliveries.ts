/** How long a shutting-down ingress waits for decisions still being sent before it stops them. */
export const DECISION_DRAIN_MS = 5_000;

/**
 * The Slack decisions this ingress is still sending to their runs (see deliver-decision.ts). An update
 * lives only in the caller until a worker takes it, so on shutdown each gets a short grace, then is
 * stopped through `stopping` and its clicker is told to click again instead of hearing nothing.
 */
export class DecisionDeliveries {
  private readonly pending = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  /** Aborted when the ingress gives up on the decisions still in flight. */
  get stopping(): AbortSignal {
    return this.stop.signal;
  }

  track(delivery: Promise<void>): Promise<void> {
    this.pending.add(delivery);
    const done = () => void this.pending.delete(delivery);
    delivery.then(done, done);
    return delivery;
  }

  /** Resolves once every delivery has ended: by itself within `graceMs`, or stopped after it. */
  async drain(graceMs = DECISION_DRAIN_MS): Promise<void> {
    if (this.pending.size === 0) return;
    const all = Promise.allSettled([...this.pending]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'grace'>((resolve) => (timer = setTimeout(() => resolve('grace'), graceMs)));
    const first = await Promise.race([all, grace]);
    clearTimeout(timer);
    if (first === 'grace') {
      this.stop.abort();
      await all;
    }
  }
}
