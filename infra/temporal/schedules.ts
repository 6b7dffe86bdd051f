/**
 * The deployment's Temporal Schedules, kept as the configuration says at every start: one technical-debt
 * scan per repository (`<prefix>-debt-scan-<repository>`, DEBT_SCAN_CRON) and the weekly report digest
 * (`<prefix>-report-digest`, REPORT_DIGEST_CRON). They are ordinary schedules: pause, trigger and backfill
 * them from the Web UI or `bugfix schedule`.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
  type Workflow,
} from '@temporalio/client';
import type { Config } from '../platform/config/load-config';
import { debtScanScheduleId, reportDigestScheduleId, type DebtScanInput } from '../../workflows/domain/debt';

/** The weekly digest's workflow, written apart from this module: referenced by its type name only. */
export const REPORT_DIGEST_WORKFLOW = 'reportDigestWorkflow';
export const DEBT_SCAN_WORKFLOW = 'debtScanWorkflow';
const WEEK_MS = 7 * 24 * 3_600_000;
/** A start missed while Temporal was down still happens within a day; a week-old one is skipped. */
export const CATCHUP_WINDOW_MS = 24 * 3_600_000;
/** The action's memo key holding the configuration a schedule was made from (the server keeps cron only compiled). */
const SIGNATURE_MEMO = 'bugfixSchedule';

/** A schedule as the configuration wants it. */
export interface DesiredSchedule {
  scheduleId: string;
  cron: string;
  workflowType: string;
  args: unknown[];
  /** Runs are `<workflowId>-<scheduled time>`: they start with the deployment's prefix. */
  workflowId: string;
  taskQueue: string;
}

/** Every schedule the configuration asks for (none for the debt scans with DEBT_SCAN=off). */
export function desiredSchedules(config: Config): DesiredSchedule[] {
  const prefix = config.temporal.workflowIdPrefix;
  const { taskQueue } = config.temporal;
  const { debtScan, reportDigest } = config.schedules;
  const scans = debtScan.enabled
    ? debtScan.repositories.map((repo): DesiredSchedule => {
        const id = debtScanScheduleId(prefix, repo.name);
        const input: DebtScanInput = {
          repository: repo.name,
          topN: debtScan.topN,
          claudeTimeoutMs: config.claude.timeoutMs,
        };
        return {
          scheduleId: id,
          cron: debtScan.cron,
          workflowType: DEBT_SCAN_WORKFLOW,
          args: [input],
          workflowId: id,
          taskQueue,
        };
      })
    : [];
  const digestId = reportDigestScheduleId(prefix);
  return [
    ...scans,
    {
      scheduleId: digestId,
      cron: reportDigest.cron,
      workflowType: REPORT_DIGEST_WORKFLOW,
      args: [{ sinceMs: WEEK_MS }],
      workflowId: digestId,
      taskQueue,
    },
  ];
}

export interface EnsuredSchedules {
  created: string[];
  updated: string[];
  /** Debt-scan schedules of this prefix the configuration no longer has (a repository dropped, DEBT_SCAN=off). */
  removed: string[];
}

/**
 * Creates the configured schedules, or updates one whose cron, workflow, arguments or policies changed;
 * a start with the same configuration changes nothing. A paused schedule stays paused. Overlap SKIP: a
 * scan still running when the next is due lets that one go.
 */
export async function ensureSchedules(client: Client, config: Config): Promise<EnsuredSchedules> {
  const done: EnsuredSchedules = { created: [], updated: [], removed: [] };
  const desired = desiredSchedules(config);
  for (const want of desired) {
    const spec: ScheduleSpec = { cronExpressions: [want.cron] };
    const action = actionOf(want);
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW_MS };
    try {
      await client.schedule.create({ scheduleId: want.scheduleId, spec, action, policies });
      done.created.push(want.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      const handle = client.schedule.getHandle(want.scheduleId);
      if (upToDate(await handle.describe(), want)) continue;
      await handle.update((previous) => ({ spec, action, policies, state: previous.state }));
      done.updated.push(want.scheduleId);
    }
  }
  const prefix = debtScanScheduleId(config.temporal.workflowIdPrefix, '');
  const wanted = new Set(desired.map((d) => d.scheduleId));
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(prefix) || wanted.has(s.scheduleId)) continue;
    try {
      await client.schedule.getHandle(s.scheduleId).delete();
      done.removed.push(s.scheduleId);
    } catch (err) {
      // Listing lags deletions: one already gone is what we wanted.
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return done;
}

/** One line for a start's output. */
export function schedulesLine(result: EnsuredSchedules, config: Config): string {
  const total = desiredSchedules(config).length;
  const changes = [
    result.created.length ? `created ${result.created.join(', ')}` : '',
    result.updated.length ? `updated ${result.updated.join(', ')}` : '',
    result.removed.length ? `removed ${result.removed.join(', ')}` : '',
  ].filter(Boolean);
  return `Schedules: ${total} configured${changes.length ? `; ${changes.join('; ')}` : ', unchanged'} (bugfix schedule list)`;
}

function actionOf(want: DesiredSchedule): ScheduleOptionsStartWorkflowAction<Workflow> {
  return {
    type: 'startWorkflow',
    workflowType: want.workflowType,
    args: want.args,
    taskQueue: want.taskQueue,
    workflowId: want.workflowId,
    memo: { [SIGNATURE_MEMO]: signature(want) },
  };
}

/** What a schedule was made from, compared at the next start: the server returns the cron compiled. */
function signature(want: DesiredSchedule): string {
  return JSON.stringify({
    cron: want.cron,
    workflowType: want.workflowType,
    args: want.args,
    taskQueue: want.taskQueue,
    workflowId: want.workflowId,
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindowMs: CATCHUP_WINDOW_MS,
  });
}

function upToDate(current: ScheduleDescription, want: DesiredSchedule): boolean {
  const a = current.action;
  return (
    a.type === 'startWorkflow' &&
    a.workflowType === want.workflowType &&
    a.taskQueue === want.taskQueue &&
    a.workflowId === want.workflowId &&
    JSON.stringify(a.args) === JSON.stringify(want.args) &&
    a.memo?.[SIGNATURE_MEMO] === signature(want) &&
    current.policies.overlap === ScheduleOverlapPolicy.SKIP &&
    current.policies.catchupWindow === CATCHUP_WINDOW_MS
  );
}

/** At a start: ensure the schedules and print one line; a failure is a warning, not a failed start. */
export async function ensureSchedulesAtStart(client: Client, config: Config): Promise<void> {
  try {
    console.log(schedulesLine(await ensureSchedules(client, config), config));
  } catch (err) {
    console.warn(
      `Could not create or update the schedules (${(err as Error).message}): the debt scans and the report digest do not run until a start succeeds. Check that this process may manage schedules in namespace ${config.temporal.namespace}.`,
    );
  }
}
