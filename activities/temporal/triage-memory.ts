import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { triageExampleSignal, triageExamplesQuery } from '../../workflows/domain/messages';
import type { TriageExample } from '../../workflows/domain/triage';

/** The one triage-memory run of a service. */
export function triageMemoryId(prefix: string, service: string): string {
  return `${prefix}-triage-${service}`;
}

/** Keeps a person's word on an error of `service`, starting the service's memory if it has none yet. */
export async function recordTriageExample(
  client: Client,
  opts: { prefix: string; taskQueue: string; service: string },
  example: TriageExample,
): Promise<void> {
  await client.workflow.signalWithStart('triageMemoryWorkflow', {
    workflowId: triageMemoryId(opts.prefix, opts.service),
    taskQueue: opts.taskQueue,
    args: [{}],
    signal: triageExampleSignal,
    signalArgs: [example],
  });
}

/** The service's examples, newest first; none when nobody has said anything about it yet. */
export async function triageExamples(client: Client, prefix: string, service: string): Promise<TriageExample[]> {
  try {
    return await client.workflow.getHandle(triageMemoryId(prefix, service)).query(triageExamplesQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}
