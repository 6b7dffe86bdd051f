import type { Client } from '@temporalio/client';
import { DEBT_ERROR_TYPE, frameInFile, stackLineNaming, type DebtRelatedError } from '../../workflows/domain/debt';
import { ERROR_TYPE, SERVICE, TOP_FRAME, queryString } from '../../workflows/domain/search-attributes';
import type { BugfixInput } from '../../workflows/domain/run-status';
import type { OccurrenceBatch } from '../../workflows/domain/types';

/** Runs looked at, newest first, and how far back: the scan is weekly, this bounds its cost. */
const RUN_CAP = 200;
const LOOKBACK_MS = 90 * 24 * 3_600_000;
/** A run's first events: its start (the error's identity) and the sightings that started it (their stacks). */
const FIRST_EVENTS = 10;
const MAX_PER_FILE = 5;

type HistoryPage = Awaited<ReturnType<Client['workflowService']['getWorkflowExecutionHistory']>>;
type HistoryEvent = NonNullable<NonNullable<HistoryPage['history']>['events']>[number];
type Payloads = NonNullable<NonNullable<HistoryEvent['workflowExecutionStartedEventAttributes']>['input']>['payloads'];

/**
 * Production errors in each of `files`: bugfix runs of this deployment and service whose top in-app frame
 * (BugfixTopFrame, or the identity it was started with) is in the file, or whose first sightings' stacks
 * name it. Runs that did not set BugfixTopFrame (triage off) are matched on their first events.
 */
export async function errorRunsInFiles(
  client: Client,
  prefix: string,
  input: { service: string; files: string[]; now?: string },
): Promise<Record<string, DebtRelatedError[]>> {
  const found: Record<string, DebtRelatedError[]> = Object.fromEntries(input.files.map((f) => [f, []]));
  if (!input.files.length) return found;
  const since = new Date(Date.parse(input.now ?? new Date().toISOString()) - LOOKBACK_MS).toISOString();
  const query = [
    `WorkflowType = 'bugfixWorkflow'`,
    `WorkflowId STARTS_WITH ${queryString(`${prefix}-`)}`,
    `${SERVICE.name} = ${queryString(input.service)}`,
    // A fix run started from a debt item is not a production error.
    `${ERROR_TYPE.name} != ${queryString(DEBT_ERROR_TYPE)}`,
    `StartTime > ${queryString(since)}`,
    `ExecutionStatus != "ContinuedAsNew"`,
  ].join(' AND ');
  const seen = new Set<string>();
  let read = 0;
  for await (const run of client.workflow.list({ query, pageSize: 100 })) {
    if (++read > RUN_CAP) break;
    // A rerun of the same error has the same workflow id: one error, one entry.
    if (seen.has(run.workflowId)) continue;
    seen.add(run.workflowId);
    const base = {
      workflowId: run.workflowId,
      ...(run.typedSearchAttributes.get(ERROR_TYPE) ? { errorType: run.typedSearchAttributes.get(ERROR_TYPE) } : {}),
      ...(typeof run.memo?.summary === 'string' ? { summary: run.memo.summary } : {}),
    };
    const topFrame = run.typedSearchAttributes.get(TOP_FRAME);
    let evidence: { frames: string[]; stacks: string[] } | undefined;
    for (const file of input.files) {
      if ((found[file]?.length ?? 0) >= MAX_PER_FILE) continue;
      if (topFrame && frameInFile(topFrame, file)) {
        found[file]!.push({ ...base, frame: topFrame });
        continue;
      }
      evidence ??= await firstEvidence(client, run.workflowId, run.runId);
      const frame =
        evidence.frames.find((f) => frameInFile(f, file)) ??
        evidence.stacks.map((s) => stackLineNaming(s, file)).find(Boolean);
      if (frame) found[file]!.push({ ...base, frame });
    }
  }
  return found;
}

/** The identity's frames and the sightings' stacks from the run's first events; nothing when unreadable. */
async function firstEvidence(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{ frames: string[]; stacks: string[] }> {
  const evidence = { frames: [] as string[], stacks: [] as string[] };
  let events: HistoryEvent[];
  try {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: FIRST_EVENTS,
    });
    events = page.history?.events ?? [];
  } catch {
    return evidence;
  }
  const converter = client.options.loadedDataConverter.payloadConverter;
  const decode = (payloads: Payloads): unknown => {
    try {
      return payloads?.[0] ? converter.fromPayload(payloads[0]) : undefined;
    } catch {
      return undefined;
    }
  };
  for (const event of events.slice(0, FIRST_EVENTS)) {
    const started = event.workflowExecutionStartedEventAttributes;
    if (started) {
      const input = decode(started.input?.payloads) as BugfixInput | undefined;
      evidence.frames.push(...(input?.identity?.topFrames ?? []).filter((f) => typeof f === 'string'));
    }
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled) {
      const value = decode(signaled.input?.payloads) as OccurrenceBatch | OccurrenceBatch[] | undefined;
      for (const batch of Array.isArray(value) ? value : value ? [value] : [])
        for (const o of batch.occurrences ?? []) if (typeof o.stack === 'string') evidence.stacks.push(o.stack);
    }
  }
  return evidence;
}
