import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SelfTestActivities } from '../activities/self-test';

const { echo } = proxyActivities<SelfTestActivities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 3 } });

/** Proves the whole loop works: API -> Temporal -> worker -> activity -> result. Used by `POST /selftest`. */
export async function selfTestWorkflow(note: string): Promise<{ workflowId: string; echoed: string; worker: string }> {
  const { echoed, worker } = await echo(note);
  return { workflowId: workflowInfo().workflowId, echoed, worker };
}
