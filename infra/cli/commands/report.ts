import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../../platform/config/duration';
import { loadReportRows } from '../../../activities/temporal/load-report-rows';
import { computeReport } from '../../../workflows/domain/report/compute-report';
import { withContext, type CommonOptions } from '../context';
import { reportText } from '../report-text';

interface ReportOptions extends CommonOptions {
  since: string;
  service?: string;
  limit?: number;
}

export function reportCommand(): Command {
  return new Command('report')
    .description(
      "How the fixes of a period went: outcomes, time from alert to suggestion, approval, merge and verification, verified-fixed rate, regressions, cost per verified fix, per service (this deployment's runs)",
    )
    .option(
      '--since <duration>',
      'runs started within this long, e.g. 24h, 7d, 30d',
      (v) => {
        if (parseDuration(v) === undefined) throw new InvalidArgumentError('expected a duration such as 24h, 7d, 30d');
        return v;
      },
      '30d',
    )
    .option('--service <service>', 'only runs of this service')
    .option('--limit <n>', 'read at most this many runs, newest first (default 2000)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
      return n;
    })
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  bugfix report\n  bugfix report --since 7d --service shop-api --json')
    .action((opts: ReportOptions) =>
      withContext(opts, async (ctx) => {
        const now = new Date();
        const since = new Date(now.getTime() - parseDuration(opts.since)!);
        const rows = await loadReportRows(await ctx.temporal(), {
          prefix: ctx.config.temporal.workflowIdPrefix,
          since,
          ...(opts.service ? { service: opts.service } : {}),
          ...(opts.limit ? { limit: opts.limit } : {}),
        });
        const report = computeReport(rows, { since: since.toISOString(), now: now.toISOString() });
        await ctx.print(() => reportText(report, opts.since), report);
      }),
    );
}
