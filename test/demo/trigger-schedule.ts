/** Triggering one of the deployment's Temporal Schedules as an operator would (Web UI, `bugfix schedule trigger`). */
import type { PipelineContext } from './context';
import { waitUntil } from './context';

export interface TriggeredRun {
  /** `<schedule id>-<time of the trigger>`, as the schedule names its runs. */
  workflowId: string;
  /** The schedule's next regular firing. */
  next?: Date;
}

/** Triggers `scheduleId` now and waits for the run it starts. */
export async function triggerSchedule(ctx: PipelineContext, scheduleId: string): Promise<TriggeredRun> {
  const handle = ctx.client.schedule.getHandle(scheduleId);
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
  await handle.trigger();
  return waitUntil(
    `the run of schedule ${scheduleId}`,
    async () => {
      const { info } = await handle.describe();
      const started = info.recentActions.find((a) => !before.has(a.action.workflow.workflowId));
      return started && { workflowId: started.action.workflow.workflowId, next: info.nextActionTimes[0] };
    },
    30_000,
  );
}
