import type { Config } from '../platform/config/load-config';
import { doctorLines } from './doctor-text';
import { runDoctor } from './run-doctor';

/** Left out at start: start.ts has just started the workers, and says itself what the sandbox lacks. */
const NOT_AT_START = ['temporal.workers', 'claude.sandbox'];

/**
 * `npm start`'s setup check, once everything is up: the configuration-only and local checks (each
 * allowed two seconds), printed as warnings. It never blocks the service nor stops it; the outside
 * services are called by `npm run bugfix -- doctor`.
 */
export async function startupDoctor(config: Config, print: (line: string) => void = console.warn): Promise<void> {
  const results = await runDoctor(config, { fastOnly: true, timeoutMs: 2_000, exclude: NOT_AT_START });
  const problems = results.filter((r) => r.status === 'warn' || r.status === 'fail');
  if (!problems.length) {
    print(`Setup check: ${results.length} checks ok (npm run bugfix -- doctor also calls every service).`);
    return;
  }
  print(
    `Setup check: ${problems.length} to look at before real alerts arrive (npm run bugfix -- doctor calls every service):`,
  );
  for (const line of doctorLines(problems)) print(`  ${line}`);
}
