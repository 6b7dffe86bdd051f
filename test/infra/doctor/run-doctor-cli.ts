import { expect } from 'vitest';
import type { CheckResult } from '../../../infra/doctor/check';
import type { E2E } from '../../support/e2e';
import { runCli } from '../cli/run-cli';

/** The service's own environment (the harness's fakes, Temporal, its task queue), as an operator's shell has it. */
export const doctorEnv = (e: E2E, overrides: Record<string, string> = {}): Record<string, string> => ({
  ...e.pipeline.env,
  ...overrides,
});

/**
 * `bugfix doctor --json [args]` as its own process: its exit code and its report. Each check gets 20 s
 * unless `--timeout` says otherwise: several CLI processes share the test machine's cores.
 */
export async function doctor(env: Record<string, string>, ...args: string[]) {
  const timeout = args.includes('--timeout') ? [] : ['--timeout', '20s'];
  const r = await runCli(['doctor', '--json', ...timeout, ...args], env);
  const results = r.json<CheckResult[]>();
  const find = (id: string): CheckResult => {
    const found = results.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in:\n${r.stdout}`);
    return found;
  };
  return { code: r.code, stdout: r.stdout, results, find };
}

/**
 * The report names exactly `broken` as failed, each with a hint matching its pattern, and nothing
 * else failed: the integration broken, and only it (checks building on it are skipped, not failed).
 */
export function expectBroken(report: Awaited<ReturnType<typeof doctor>>, broken: Record<string, RegExp>): void {
  expect(report.code).toBe(1);
  const failed = report.results.filter((r) => r.status === 'fail');
  expect(failed.map((r) => r.id).sort()).toEqual(Object.keys(broken).sort());
  for (const [id, hint] of Object.entries(broken)) expect(report.find(id).hint).toMatch(hint);
}
