import type { Config } from '../platform/config/load-config';
import {
  fail,
  messageOf,
  type CheckContext,
  type CheckGroup,
  type CheckResult,
  type DoctorCheck,
  type Outcome,
} from './check';
import { allChecks } from './all-checks';

export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

export interface DoctorOptions {
  /** Only the checks of these groups. */
  groups?: readonly CheckGroup[];
  /** `npm start`'s subset: preconditions of every check, and only the fast checks' calls. */
  fastOnly?: boolean;
  /** Check ids left out. */
  exclude?: readonly string[];
  /** Each check's own deadline. */
  timeoutMs?: number;
  /** The checks to run (default: all of them). */
  checks?: readonly DoctorCheck[];
}

/**
 * Runs the checks concurrently, each with its own deadline, so a stuck service still gets its line.
 * Results come in the checks' order; in `fastOnly` mode a slow check whose precondition passed has none.
 */
export async function runDoctor(config: Config, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const checks = (options.checks ?? allChecks()).filter(
    (c) => (!options.groups || options.groups.includes(c.group)) && !options.exclude?.includes(c.id),
  );
  const memo = new Map<string, Promise<unknown>>();
  const closers: (() => Promise<void>)[] = [];
  const shared: CheckContext['shared'] = <T>(
    key: string,
    create: (signal: AbortSignal) => Promise<T>,
    close?: (value: T) => Promise<void>,
  ) => {
    let value = memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = create(AbortSignal.timeout(timeoutMs));
      memo.set(key, value);
      const made = value;
      if (close) closers.push(() => made.then(close, () => undefined));
    }
    return value;
  };
  try {
    const results = await Promise.all(checks.map((check) => runCheck(check, config, shared, timeoutMs, options)));
    return results.filter((r): r is CheckResult => r !== undefined);
  } finally {
    // A connection still being made when its checks timed out is not waited for long.
    await Promise.race([
      Promise.allSettled(closers.map((c) => c())),
      new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
    ]);
  }
}

async function runCheck(
  check: DoctorCheck,
  config: Config,
  shared: CheckContext['shared'],
  timeoutMs: number,
  options: DoctorOptions,
): Promise<CheckResult | undefined> {
  const line = (outcome: Outcome): CheckResult => ({
    id: check.id,
    group: check.group,
    ...outcome,
  });
  let before: Outcome | undefined;
  try {
    before = check.precondition?.(config);
  } catch (err) {
    before = fail(`cannot check: ${messageOf(err)}`, check.timeoutHint);
  }
  if (before) return line(before);
  if (options.fastOnly && !check.fast) return undefined;

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no answer within ${timeoutMs} ms`));
      resolve(fail(`no answer within ${formatSeconds(timeoutMs)}`, check.timeoutHint));
    }, timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      check
        .run({ config, signal: controller.signal, timeoutMs, shared })
        .catch((err: unknown) => fail(messageOf(err), check.timeoutHint)),
      timedOut,
    ]);
    return line(outcome);
  } finally {
    clearTimeout(timer);
  }
}

const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** 0 when nothing failed (warnings and skips do not fail), else 1. */
export function doctorExitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
