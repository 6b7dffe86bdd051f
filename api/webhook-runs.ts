import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import { externalEventSignal } from '../workflows/domain/messages';
import type { ExternalEvent } from '../workflows/domain/types';

/** What every webhook route is built with. */
export interface WebhookDeps {
  client: Client;
  config: Config;
  log: (entry: Record<string, unknown>) => void;
}

/** Runs whose keyword search attribute has this value (visibility is eventually consistent: polling covers the gap). */
export async function runsWith(client: Client, attribute: string, value: string): Promise<string[]> {
  const ids: string[] = [];
  const escaped = value.replace(/["\\]/g, '\\$&');
  for await (const w of client.workflow.list({ query: `${attribute} = "${escaped}" AND ExecutionStatus = "Running"` }))
    ids.push(w.workflowId);
  return ids;
}

/** Wakes each run; a run that has ended meanwhile is skipped, not an error. */
export async function notifyRuns(client: Client, workflowIds: string[], event: ExternalEvent): Promise<string[]> {
  const delivered: string[] = [];
  for (const id of new Set(workflowIds)) {
    try {
      await client.workflow.getHandle(id).signal(externalEventSignal, event);
      delivered.push(id);
    } catch {
      // not found or already closed: nothing waits for this event
    }
  }
  return delivered;
}
