/**
 * `npm run bugfix -- <command>` (or the `bugfix` bin): the on-call CLI. Parses, runs one
 * command, and exits with a code scripts can trust (see errors.ts).
 */
import { CommanderError } from 'commander';
import { createProgram } from './program';
import { EXIT, toCliError } from './errors';
import { write } from './context';

export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the message or the help.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const e = toCliError(err);
    if (e.options.printed) return e.exitCode;
    if (json)
      await write(
        process.stdout,
        `${JSON.stringify({ error: e.message, exitCode: e.exitCode, ...e.details }, null, 2)}\n`,
      );
    else await write(process.stderr, `error: ${e.message}\n`);
    return e.exitCode;
  }
}

// The SDK's native runtime (replay) keeps the process alive: exit explicitly once the output is written.
process.exit(await runCli(process.argv.slice(2)));
