import { Command } from 'commander';
import { listCommand } from './commands/list';
import { statusCommand } from './commands/status';
import { approveCommand } from './commands/approve';
import { rejectCommand } from './commands/reject';
import { correctCommand } from './commands/correct';
import { rerunCommand } from './commands/rerun';
import { resetCommand } from './commands/reset';
import { replayCommand } from './commands/replay';
import { exportHistoryCommand } from './commands/export-history';

/** The on-call CLI: every command, with its help. Errors surface to the caller (main decides the exit code). */
export function createProgram(): Command {
  const program = new Command('bugfix')
    .description('On-call operations for the bugfix pipeline: see, decide, rerun, reset and replay runs.')
    .addHelpText(
      'after',
      [
        '',
        "Configuration is the service's own: temporal.config.json and the environment",
        '(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_API_KEY, TEMPORAL_UI_URL, WORKFLOW_ID_PREFIX, ...).',
        '',
        'Exit codes: 0 ok, 1 failure, 2 usage or configuration error, 3 run not found or request refused.',
        'Every command takes --json for scripts.',
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
  ]) {
    program.addCommand(command);
  }
  for (const command of [program, ...program.commands])
    command.exitOverride().showHelpAfterError('(add --help for usage)');
  return program;
}
