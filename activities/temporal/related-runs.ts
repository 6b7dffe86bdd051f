import type { Client } from '@temporalio/client';
import { relatedErrorSignal } from '../../workflows/domain/messages';
import { ERROR_TYPE, SERVICE, TOP_FRAME, queryString } from '../../workflows/domain/search-attributes';
import type { ErrorIdentity } from '../../workflows/domain/types';
import type { RelatedError } from '../../workflows/domain/triage';

/**
 * An open run of the same root cause that started before this one: same service, error type and
 * top in-app frame, another fingerprint (the message differs), in this deployment. The oldest wins, so two related
 * errors arriving together settle on one run whichever looks first.
 */
export async function findRelatedRun(
  client: Client,
  prefix: string,
  input: { identity: ErrorIdentity; topFrame: string; workflowId: string; startedAt: string },
): Promise<{ workflowId: string } | undefined> {
  const { identity, topFrame: frame } = input;
  const query = [
    // Only this deployment's runs (WORKFLOW_ID_PREFIX): others sharing the namespace are not ours to join.
    `WorkflowId STARTS_WITH ${queryString(`${prefix}-`)}`,
    `${SERVICE.name} = ${queryString(identity.service)}`,
    `${ERROR_TYPE.name} = ${queryString(identity.errorType)}`,
    `${TOP_FRAME.name} = ${queryString(frame)}`,
    `ExecutionStatus = "Running"`,
    `WorkflowId != ${queryString(input.workflowId)}`,
  ].join(' AND ');
  const mine = Date.parse(input.startedAt);
  let oldest: { workflowId: string; at: number } | undefined;
  for await (const run of client.workflow.list({ query, pageSize: 20 })) {
    const at = run.startTime.getTime();
    if (at < mine && (!oldest || at < oldest.at)) oldest = { workflowId: run.workflowId, at };
  }
  return oldest && { workflowId: oldest.workflowId };
}

/** Tells the related run that this error joins it. */
export async function joinRelatedRun(client: Client, input: { target: string; related: RelatedError }): Promise<void> {
  await client.workflow.getHandle(input.target).signal(relatedErrorSignal, input.related);
}
