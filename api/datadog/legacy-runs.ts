import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { RecentMap } from '../http/recent-map';

/**
 * Runs started before error identities were made source-independent carry the old fingerprint in
 * their workflow id. The ingress keeps sending their error's occurrences to them until they end:
 * it asks Temporal once per old id (an old id cannot be started any more, so a "not running" answer
 * is final) and remembers the answer, so the cost is one describe per unique error per process.
 */
export class LegacyRuns {
  private readonly running = new RecentMap<boolean>(20_000);
  /** Look-ups under way: concurrent deliveries of one error share one describe. */
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(private readonly client: Client) {}

  isRunning(workflowId: string): Promise<boolean> {
    const known = this.running.get(workflowId);
    if (known !== undefined) return Promise.resolve(known);
    let asked = this.asking.get(workflowId);
    if (!asked) {
      asked = this.ask(workflowId).finally(() => this.asking.delete(workflowId));
      this.asking.set(workflowId, asked);
    }
    return asked;
  }

  private async ask(workflowId: string): Promise<boolean> {
    let running = false;
    try {
      running = (await this.client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    this.running.set(workflowId, running);
    return running;
  }

  /** The run ended between the look-up and the signal. */
  ended(workflowId: string): void {
    this.running.set(workflowId, false);
  }
}
