import { Command, InvalidArgumentError, Option } from 'commander';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { parseDuration } from '../../platform/config/duration';
import {
  CATEGORY,
  COST_USD,
  FINGERPRINT,
  OCCURRENCES,
  SERVICE,
  STAGE,
  queryString,
} from '../../../workflows/domain/search-attributes';
import type { ReportRow } from '../../../workflows/domain/report/report-row';
import { workerPresence, type WorkerPresence } from '../../platform/worker-presence';
import { withContext, type CommonOptions } from '../context';
import { formatCost, formatDuration, table } from '../format';
import { STAGES } from '../steps';
import { ERROR_CATEGORIES } from '../../../workflows/domain/triage';

interface ListOptions extends CommonOptions {
  /** The configured WORKFLOW_ID_PREFIX; false with --any-prefix. */
  prefix?: string | false;
  stage?: string;
  service?: string;
  fingerprint?: string;
  category?: string;
  since?: number;
  limit: number;
}

export interface ListedRun {
  workflowId: string;
  runId: string;
  status: string;
  stage?: string;
  service?: string;
  fingerprint?: string;
  /** The triage's category, once classified. */
  category?: string;
  occurrences?: number;
  costUsd?: number;
  startTime: string;
  closeTime?: string;
  ageMs: number;
  summary?: string;
}

/** How many matching runs are read before sorting: visibility does not sort by start time for us. */
const SCAN_CAP = 2000;

/** The visibility query for these filters, on the project's search attributes. */
export function listQuery(
  o: Pick<ListOptions, 'prefix' | 'stage' | 'service' | 'fingerprint' | 'category' | 'since'>,
  now = Date.now(),
): string {
  const parts = [`WorkflowType = 'bugfixWorkflow'`];
  if (o.prefix) parts.push(`WorkflowId STARTS_WITH ${queryString(`${o.prefix}-`)}`);
  if (o.stage) parts.push(`${STAGE.name} = ${queryString(o.stage)}`);
  if (o.service) parts.push(`${SERVICE.name} = ${queryString(o.service)}`);
  if (o.fingerprint) parts.push(`${FINGERPRINT.name} = ${queryString(o.fingerprint)}`);
  if (o.category) parts.push(`${CATEGORY.name} = ${queryString(o.category)}`);
  if (o.since) parts.push(`StartTime > ${queryString(new Date(now - o.since).toISOString())}`);
  return parts.join(' AND ');
}

/** Every column from visibility alone (search attributes, then the memo the run writes): no worker is asked. */
function toRun(w: WorkflowExecutionInfo, now: number): ListedRun {
  const sa = w.typedSearchAttributes;
  const memo = (w.memo ?? {}) as { summary?: string; stage?: string; report?: Partial<ReportRow> };
  const report = typeof memo.report === 'object' && memo.report !== null ? memo.report : {};
  const stage = sa.get(STAGE) ?? memo.stage ?? report.stage;
  const service = sa.get(SERVICE) ?? report.service;
  const category = sa.get(CATEGORY) ?? report.category;
  const costUsd = sa.get(COST_USD) ?? report.costUsd;
  return {
    workflowId: w.workflowId,
    runId: w.runId,
    status: w.status.name,
    ...(stage ? { stage } : {}),
    ...(service ? { service } : {}),
    ...(sa.get(FINGERPRINT) ? { fingerprint: sa.get(FINGERPRINT) } : {}),
    ...(category ? { category } : {}),
    ...(sa.get(OCCURRENCES) !== undefined ? { occurrences: sa.get(OCCURRENCES) } : {}),
    ...(costUsd !== undefined ? { costUsd } : {}),
    startTime: w.startTime.toISOString(),
    ...(w.closeTime ? { closeTime: w.closeTime.toISOString() } : {}),
    ageMs: now - w.startTime.getTime(),
    ...(memo.summary ? { summary: memo.summary } : {}),
  };
}

export function listCommand(): Command {
  return new Command('list')
    .description('List runs, newest first, filtered on the search attributes the Web UI also shows')
    .addOption(new Option('--stage <stage>', 'only runs at this stage').choices(STAGES))
    .option('--service <service>', 'only runs of this service')
    .option('--fingerprint <fingerprint>', 'only runs of this error fingerprint')
    .addOption(new Option('--category <category>', 'only runs triage put in this category').choices(ERROR_CATEGORIES))
    .option('--since <duration>', 'only runs started within this long, e.g. 30m, 24h, 7d', (v) => {
      const ms = parseDuration(v);
      if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 30m, 24h, 7d');
      return ms;
    })
    .option(
      '--limit <n>',
      'at most this many runs',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
        return n;
      },
      20,
    )
    .option(
      '--any-prefix',
      "also runs whose workflow id does not start with this service's WORKFLOW_ID_PREFIX (other deployments on the namespace)",
    )
    .option('--json', "print JSON: { query, runs: [...], worker } (worker: the task queue's pollers)")
    .addHelpText(
      'after',
      '\nExamples:\n  bugfix list --stage awaiting-approval\n  bugfix list --service shop-api --since 24h --json',
    )
    .action((opts: ListOptions & { anyPrefix?: boolean }) =>
      withContext(opts, async (ctx) => {
        const client = await ctx.temporal();
        const query = listQuery({ ...opts, prefix: opts.anyPrefix ? false : ctx.config.temporal.workflowIdPrefix });
        const now = Date.now();
        const runs: ListedRun[] = [];
        for await (const w of client.workflow.list({ query })) {
          runs.push(toRun(w, now));
          if (runs.length >= SCAN_CAP) break;
        }
        runs.sort((a, b) => b.startTime.localeCompare(a.startTime));
        const shown = runs.slice(0, opts.limit);
        // Whether these runs can move at all; a server that will not say leaves the list as it is.
        const worker = await workerPresence(client, ctx.config.temporal.taskQueue).catch(() => undefined);
        await ctx.print(
          () =>
            (shown.length === 0
              ? `No runs match: ${query}`
              : table(
                  ['WORKFLOW ID', 'STAGE', 'SERVICE', 'CATEGORY', 'SEEN', 'COST', 'AGE', 'STATUS'],
                  shown.map((r) => [
                    r.workflowId,
                    r.stage ?? '-',
                    r.service ?? '-',
                    r.category ?? '-',
                    String(r.occurrences ?? '-'),
                    formatCost(r.costUsd),
                    formatDuration(r.ageMs),
                    r.status,
                  ]),
                )) + noWorkerFooter(worker),
          { query, runs: shown, ...(worker ? { worker } : {}) },
        );
      }),
    );
}

/** Under the table when nothing polls the task queue: the runs listed do not move until a worker does. */
export function noWorkerFooter(worker: WorkerPresence | undefined): string {
  if (!worker || worker.pollers > 0) return '';
  return `\n\nWarning: ${worker.message}: running runs do not move until a worker polls it (\`npm start\`, or \`npm run worker\`).`;
}
