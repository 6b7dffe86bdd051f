import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../../platform/config/duration';
import { readConfig } from '../../platform/config/read-config';
import { CHECK_GROUPS, type CheckGroup } from '../../doctor/check';
import { doctorLines, doctorSummary } from '../../doctor/doctor-text';
import { write, type CommonOptions } from '../context';
import { CliError, EXIT } from '../errors';

interface DoctorOptions extends CommonOptions {
  only?: CheckGroup[];
  timeout?: number;
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'Checks, with real calls, everything the configuration points at (Temporal, Slack, Datadog, git, GitHub, Cursor, Claude Code) and says what to fix',
    )
    .option('--only <groups>', `only these groups, comma-separated: ${CHECK_GROUPS.join(', ')}`, (v) => {
      const groups = v.split(',').map((g) => g.trim());
      const unknown = groups.filter((g) => !(CHECK_GROUPS as readonly string[]).includes(g));
      if (unknown.length) throw new InvalidArgumentError(`unknown group ${unknown.join(', ')}`);
      return groups as CheckGroup[];
    })
    .option('--timeout <duration>', 'deadline of each check (default 5s)', (v) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms <= 0) throw new InvalidArgumentError('expected a duration such as 5s');
      return ms;
    })
    .option('--json', 'print an array of { id, group, status, detail, hint }')
    .addHelpText(
      'after',
      [
        '',
        'One line per check: ok, warn (works, with a caveat), fail (a run would fail there) or skip (not used).',
        'Checks run concurrently, each with its own deadline. Exit code 0 when nothing failed (warnings do not), 1 otherwise.',
        '',
        'Examples:\n  bugfix doctor\n  bugfix doctor --only slack,github --json',
      ].join('\n'),
    )
    .action(async (opts: DoctorOptions) => {
      // The service clients (Datadog's above all) load only for this command, not for every CLI start.
      const { doctorExitCode, runDoctor } = await import('../../doctor/run-doctor');
      const results = await runDoctor(readConfig(process.env), {
        ...(opts.timeout ? { timeoutMs: opts.timeout } : {}),
        ...(opts.only ? { groups: opts.only } : {}),
      });
      await write(
        process.stdout,
        opts.json
          ? `${JSON.stringify(results, null, 2)}\n`
          : `${[...doctorLines(results), '', doctorSummary(results)].join('\n')}\n`,
      );
      if (doctorExitCode(results) !== EXIT.ok)
        throw new CliError(doctorSummary(results), EXIT.failure, undefined, { printed: true });
    });
}
