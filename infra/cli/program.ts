import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../platform/config/duration';
import { listCommand } from './commands/list';
import { statusCommand } from './commands/status';
import { approveCommand } from './commands/approve';
import { rejectCommand } from './commands/reject';
import { correctCommand } from './commands/correct';
import { rerunCommand } from './commands/rerun';
import { resetCommand } from './commands/reset';
import { replayCommand } from './commands/replay';
import { exportHistoryCommand } from './commands/export-history';
import { reportCommand } from './commands/report';
import { scheduleCommand } from './commands/schedule';
import { doctorCommand } from './commands/doctor';

/** The on-call CLI: every command, with its help. Errors surface to the caller (main decides the exit code). */
export function createProgram(): Command {
  const program = new Command('bugfix')
    .description(
      'On-call operations for the bugfix pipeline: see, decide, rerun, reset and replay runs; manage its schedules; check its setup.',
    )
    .addHelpText(
      'after',
      [
        '',
        "Configuration is the service's own: temporal.config.json and the environment",
        '(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_API_KEY, TEMPORAL_UI_URL, WORKFLOW_ID_PREFIX, ...).',
        '',
        'Exit codes: 0 ok, 1 failure, 2 usage or configuration error, 3 run not found or request refused.',
        'Every command takes --json for scripts, and --timeout (default BUGFIX_CLI_TIMEOUT, 10s): how long to wait',
        'on Temporal for one answer before saying why there is none.',
      ].join('\n'),
    );
  for (const command of [
    listCommand(),
    statusCommand(),
    approveCommand(),
    rejectCommand(),
    correctCommand(),
    rerunCommand(),
    resetCommand(),
    replayCommand(),
    exportHistoryCommand(),
    reportCommand(),
    scheduleCommand(),
    doctorCommand(),
  ]) {
    program.addCommand(command);
  }
  for (const command of [program, ...program.commands])
    command.exitOverride().showHelpAfterError('(add --help for usage)');
  // A command with a --timeout of its own (doctor: each check's deadline) keeps it.
  for (const command of leaves(program))
    if (!command.options.some((o) => o.long === '--timeout'))
      command.option('--timeout <duration>', TIMEOUT_HELP, timeoutOption);
  return program;
}

const TIMEOUT_HELP = 'give up on a Temporal call after this long, e.g. 5s, 30s (default BUGFIX_CLI_TIMEOUT, 10s)';

function timeoutOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('expected a duration such as 5s or 30s');
  return ms;
}

/** The commands that run something (a group such as `schedule` only holds its subcommands). */
function leaves(command: Command): Command[] {
  return command.commands.flatMap((c) => (c.commands.length ? leaves(c) : [c]));
}
