import { Command, InvalidArgumentError } from 'commander';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import { withContext, type CliContext, type CommonOptions } from '../context';
import { CliError, EXIT, refused } from '../errors';
import { table } from '../format';
import { desiredSchedules } from '../../temporal/schedules';

/** One schedule as `schedule list` shows it. */
export interface ListedSchedule {
  scheduleId: string;
  workflowType: string;
  /** As configured; absent for a schedule the configuration no longer has. */
  cron?: string;
  configured: boolean;
  paused: boolean;
  note?: string;
  nextRun?: string;
  lastRun?: string;
  lastWorkflowId?: string;
  url: string;
}

export function scheduleCommand(): Command {
  const schedule = new Command('schedule')
    .description(
      "This deployment's Temporal Schedules: the technical-debt scans and the report digest (also in the Web UI's Schedules page)",
    )
    .addHelpText(
      'after',
      [
        '',
        'Ids are `<WORKFLOW_ID_PREFIX>-debt-scan-<repository>` and `<WORKFLOW_ID_PREFIX>-report-digest`; the prefix may be left out.',
        '`npm start` and `npm run worker` create or update them from DEBT_SCAN_CRON, DEBT_SCAN_REPOSITORIES and REPORT_DIGEST_CRON.',
      ].join('\n'),
    );
  schedule
    .command('list')
    .description("the deployment's schedules: workflow, cron, paused, next and last run")
    .option('--json', 'print JSON: ListedSchedule[]')
    .action((opts: CommonOptions) => withContext(opts, (ctx) => list(ctx)));
  schedule
    .command('pause')
    .description('pause a schedule: no run starts until it is unpaused (a start of the service leaves it paused)')
    .argument('<id>', 'schedule id')
    .option('--note <text>', 'why, shown in the Web UI', 'paused from the bugfix CLI')
    .option('--json', 'print JSON: { scheduleId, paused }')
    .action((id: string, opts: CommonOptions & { note: string }) =>
      withContext(opts, (ctx) =>
        act(
          ctx,
          id,
          async (h) => h.pause(opts.note),
          { paused: true },
          (sid) => `Paused ${sid}.`,
        ),
      ),
    );
  schedule
    .command('unpause')
    .description('let a paused schedule start runs again')
    .argument('<id>', 'schedule id')
    .option('--json', 'print JSON: { scheduleId, paused }')
    .action((id: string, opts: CommonOptions) =>
      withContext(opts, (ctx) =>
        act(
          ctx,
          id,
          async (h) => h.unpause('unpaused from the bugfix CLI'),
          { paused: false },
          (sid) => `Unpaused ${sid}.`,
        ),
      ),
    );
  schedule
    .command('trigger')
    .description('start a run now (skipped while one of its runs is still running)')
    .argument('<id>', 'schedule id')
    .option('--json', 'print JSON: { scheduleId, triggered }')
    .action((id: string, opts: CommonOptions) =>
      withContext(opts, (ctx) =>
        act(
          ctx,
          id,
          async (h) => h.trigger(ScheduleOverlapPolicy.SKIP),
          { triggered: true },
          (sid) => `Triggered ${sid}: the run shows under the schedule in the Web UI (${scheduleUrl(ctx, sid)}).`,
        ),
      ),
    );
  schedule
    .command('delete')
    .description('delete a schedule (the next start of the service creates it again while it is configured)')
    .argument('<id>', 'schedule id')
    .option('--json', 'print JSON: { scheduleId, deleted }')
    .action((id: string, opts: CommonOptions) =>
      withContext(opts, (ctx) =>
        act(
          ctx,
          id,
          async (h) => h.delete(),
          { deleted: true },
          (sid) =>
            `Deleted ${sid}.${configuredIds(ctx).includes(sid) ? ' It is still configured: the next start creates it again (set DEBT_SCAN=off or change DEBT_SCAN_REPOSITORIES to keep it gone).' : ''}`,
        ),
      ),
    );
  schedule
    .command('backfill')
    .description('run the schedule for each time it was due between --from and --to, one after another')
    .argument('<id>', 'schedule id')
    .requiredOption('--from <time>', 'start of the range, ISO 8601 (2025-01-06 or 2025-01-06T09:00:00Z)', isoDate)
    .requiredOption('--to <time>', 'end of the range, ISO 8601', isoDate)
    .option('--json', 'print JSON: { scheduleId, backfill: { from, to } }')
    .action((id: string, opts: CommonOptions & { from: Date; to: Date }) =>
      withContext(opts, async (ctx) => {
        if (opts.to <= opts.from)
          throw new CliError(
            `--to (${opts.to.toISOString()}) must be after --from (${opts.from.toISOString()})`,
            EXIT.usage,
          );
        await act(
          ctx,
          id,
          // Every missed time runs, in order: a backfill asks for all of them.
          async (h) => h.backfill({ start: opts.from, end: opts.to, overlap: ScheduleOverlapPolicy.BUFFER_ALL }),
          { backfill: { from: opts.from.toISOString(), to: opts.to.toISOString() } },
          (sid) => `Backfilling ${sid} from ${opts.from.toISOString()} to ${opts.to.toISOString()}.`,
        );
      }),
    );
  for (const sub of schedule.commands) sub.exitOverride().showHelpAfterError('(add --help for usage)');
  return schedule;
}

function isoDate(value: string): Date {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new InvalidArgumentError('expected an ISO 8601 date or time, such as 2025-01-06 or 2025-01-06T09:00:00Z');
  return new Date(ms);
}

function configuredIds(ctx: CliContext): string[] {
  return desiredSchedules(ctx.config).map((d) => d.scheduleId);
}

function scheduleUrl(ctx: CliContext, id: string): string {
  const { uiUrl, namespace } = ctx.config.temporal;
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/schedules/${encodeURIComponent(id)}`;
}

/** The schedules that exist: the configured ones (described directly) and any other of this prefix (listed). */
async function known(ctx: CliContext, client: Client): Promise<ListedSchedule[]> {
  const prefix = `${ctx.config.temporal.workflowIdPrefix}-`;
  const desired = desiredSchedules(ctx.config);
  const ids = new Set(desired.map((d) => d.scheduleId));
  // Listing is eventually consistent: a schedule created a moment ago is described by id instead.
  for await (const s of client.schedule.list()) if (s.scheduleId.startsWith(prefix)) ids.add(s.scheduleId);
  const found: ListedSchedule[] = [];
  for (const id of [...ids].sort()) {
    try {
      const d = await client.schedule.getHandle(id).describe();
      const last = d.info.recentActions.at(-1);
      const cron = desired.find((w) => w.scheduleId === id)?.cron;
      found.push({
        scheduleId: id,
        workflowType: d.action.workflowType,
        ...(cron ? { cron } : {}),
        configured: cron !== undefined,
        paused: d.state.paused,
        ...(d.state.note ? { note: d.state.note } : {}),
        ...(d.info.nextActionTimes[0] ? { nextRun: d.info.nextActionTimes[0].toISOString() } : {}),
        ...(last ? { lastRun: last.takenAt.toISOString(), lastWorkflowId: last.action.workflow.workflowId } : {}),
        url: scheduleUrl(ctx, id),
      });
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return found;
}

async function list(ctx: CliContext): Promise<void> {
  const schedules = await known(ctx, await ctx.temporal());
  await ctx.print(
    () =>
      schedules.length
        ? table(
            ['SCHEDULE', 'WORKFLOW', 'CRON', 'STATE', 'NEXT RUN', 'LAST RUN'],
            schedules.map((s) => [
              s.scheduleId,
              s.workflowType,
              s.cron ?? '(not configured)',
              s.paused ? 'paused' : 'active',
              s.paused ? '-' : (s.nextRun ?? '-'),
              s.lastRun ?? '-',
            ]),
          )
        : 'No schedules yet: `npm start` or `npm run worker` creates them from the configuration.',
    schedules,
  );
}

/** Resolves `id` (with or without the prefix) to an existing schedule and runs `body` on it. */
async function act(
  ctx: CliContext,
  id: string,
  body: (handle: ScheduleHandle) => Promise<void>,
  result: Record<string, unknown>,
  human: (scheduleId: string) => string,
): Promise<void> {
  const client = await ctx.temporal();
  const prefix = `${ctx.config.temporal.workflowIdPrefix}-`;
  const candidates = id.startsWith(prefix) ? [id] : [`${prefix}${id}`, id];
  for (const scheduleId of candidates) {
    try {
      await body(client.schedule.getHandle(scheduleId));
      await ctx.print(human(scheduleId), { scheduleId, ...result });
      return;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  const names = (await known(ctx, client)).map((s) => s.scheduleId);
  throw refused(
    `No schedule "${id}" in namespace ${ctx.config.temporal.namespace}. ${
      names.length
        ? `Known schedules: ${names.join(', ')}.`
        : 'There are none yet: `npm start` or `npm run worker` creates them from the configuration.'
    } See \`bugfix schedule list\`.`,
    { known: names },
  );
}
