import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import type { ExternalEvent } from '../workflows/domain/types';
import { queryString } from '../workflows/domain/search-attributes';
import type { WakeUps } from './wake-ups';

/** What every webhook route is built with. */
export interface WebhookDeps {
  client: Client;
  /** One per ingress: coalescing is per run, across routes. */
  wakeUps: WakeUps;
  config: Config;
  log: (entry: Record<string, unknown>) => void;
}

/** Runs whose keyword search attribute has this value (visibility is eventually consistent: polling covers the gap). */
export async function runsWith(client: Client, attribute: string, value: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of client.workflow.list({
    query: `${attribute} = ${queryString(value)} AND ExecutionStatus = "Running"`,
  }))
    ids.push(w.workflowId);
  return ids;
}

/** Wakes each run (coalesced per run); a run that has ended meanwhile is skipped, not an error. */
export async function notifyRuns(
  wakeUps: WakeUps,
  workflowIds: string[],
  event: ExternalEvent,
): Promise<{ delivered: string[]; coalesced: string[] }> {
  const delivered: string[] = [];
  const coalesced: string[] = [];
  for (const id of new Set(workflowIds)) {
    const outcome = await wakeUps.wake(id, event);
    if (outcome === 'delivered') delivered.push(id);
    if (outcome === 'coalesced') coalesced.push(id);
  }
  return { delivered, coalesced };
}
