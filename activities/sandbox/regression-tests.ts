import { applyUnifiedDiff } from '../git/apply-patch';
import type { TestEvidence, TestRunSummary, TestVerdict } from '../../workflows/domain/test-evidence';
import { detectTestCommand, isTestFile } from './detect-test-command';
import { parseTestOutput, type ParsedTests } from './test-report';
import { runSandboxed, type SandboxedResult } from './run-sandboxed';
import type { SandboxPolicy } from './sandbox-policy';

export interface TestLimits {
  timeoutMs: number;
  cpuSeconds: number;
  maxOutputBytes: number;
}

export interface RegressionTestInput {
  /** A clean checkout of `commit`; the runs write into it. */
  dir: string;
  commit: string;
  /** The fix, regression test included, as a git-style diff against `commit`. */
  diff: string;
  /** VERIFY_TEST_COMMAND; detected from the checkout when absent. */
  command?: string;
  /** Words of the production error (its message, its type) that a faithful reproduction prints. */
  errorWords: string[];
  policy: SandboxPolicy;
  limits: TestLimits;
  signal?: AbortSignal;
  parentEnv?: NodeJS.ProcessEnv;
  /** Called between runs, so a long suite keeps the activity's heartbeat. */
  onRun?: (stage: 'baseline' | 'reproduction' | 'with-fix') => void;
}

/** Stands for the new test when the runner prints no test names, only its exit status. */
const UNNAMED = '(the test suite)';

interface Run {
  summary: TestRunSummary;
  parsed: ParsedTests;
  output: string;
}

/**
 * Three sandboxed runs of the application's tests in one checkout: the deployed commit as it is
 * (baseline), with only the fix's test files (the reproduction: the new test must fail, printing
 * the production error), and with the whole fix (the new test passes, nothing else breaks).
 */
export async function runRegressionTests(input: RegressionTestInput): Promise<TestEvidence> {
  const started = Date.now();
  const { tests, source } = splitDiff(input.diff);
  const testFiles = tests.map((t) => t.file);
  const base = { commit: input.commit, testFiles, regressionTests: [], newFailures: [] };
  const command = input.command ?? (await detectTestCommand(input.dir));
  if (!command) {
    return {
      ...base,
      verdict: 'not-run',
      reason: 'no test command is configured (VERIFY_TEST_COMMAND) and none was recognised in the repository',
      totalMs: Date.now() - started,
    };
  }
  const run = async (stage: 'baseline' | 'reproduction' | 'with-fix'): Promise<Run> => {
    input.onRun?.(stage);
    const result = await runSandboxed({
      command,
      policy: input.policy,
      ...input.limits,
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.parentEnv ? { parentEnv: input.parentEnv } : {}),
    });
    return summarise(result);
  };

  const baseline = await run('baseline');
  if (tests.length) await applyUnifiedDiff(input.dir, tests.map((t) => t.patch).join(''));
  const reproduction = tests.length ? await run('reproduction') : undefined;
  if (source.length) await applyUnifiedDiff(input.dir, source.map((t) => t.patch).join(''));
  const withFix = await run('with-fix');

  const judged = judge(baseline, reproduction, withFix, input.errorWords);
  return {
    ...base,
    ...judged,
    command,
    baseline: baseline.summary,
    ...(reproduction ? { reproduction: reproduction.summary } : {}),
    withFix: withFix.summary,
    totalMs: Date.now() - started,
  };
}

function judge(
  baseline: Run,
  reproduction: Run | undefined,
  withFix: Run,
  errorWords: string[],
): Pick<
  TestEvidence,
  'verdict' | 'reason' | 'regressionTests' | 'newFailures' | 'productionErrorSeen' | 'failureExcerpt'
> {
  const failedBefore = new Set(baseline.parsed.failing);
  const newFailures = withFix.parsed.failing.filter((t) => !failedBefore.has(t));
  const regressionTests = reproduction ? newlyFailing(baseline, reproduction) : [];
  const stillFailing = regressionTests.filter((t) => withFix.parsed.failing.includes(t));
  const broken = newFailures.filter((t) => !regressionTests.includes(t));
  const verdict = (v: TestVerdict, reason: string, extra: Partial<TestEvidence> = {}) => ({
    verdict: v,
    reason,
    regressionTests,
    newFailures: broken,
    ...extra,
  });

  if (!passing(baseline) && !baseline.parsed.failing.length && !baseline.parsed.passing.length) {
    const last = lastLines(baseline.output, 1) || `exit ${baseline.summary.exitCode}`;
    return verdict(
      'not-run',
      `the test command fails on the deployed commit before any test runs (${last.slice(0, 200)})`,
      {
        failureExcerpt: lastLines(baseline.output, 12),
      },
    );
  }
  if (withFix.summary.timedOut) return verdict('breaks-tests', 'the tests did not finish in time with the fix');
  if (stillFailing.length || (regressionTests[0] === UNNAMED && !passing(withFix)))
    return verdict('fix-fails-test', 'the regression test still fails with the fix');
  if (broken.length || (!passing(withFix) && passing(baseline)))
    return verdict('breaks-tests', 'tests that pass on the deployed commit fail with the fix');
  if (!reproduction) return verdict('not-reproduced', 'the fix comes without a regression test');
  if (!regressionTests.length)
    return verdict(
      'not-reproduced',
      'the new test passes on the deployed commit too, so it does not reproduce the error',
    );
  const seen = errorWords.find((w) => w && reproduction.output.includes(w));
  const excerpt = excerptAround(reproduction.output, seen ?? regressionTests[0]!);
  if (!seen)
    return verdict('not-reproduced', 'the new test fails on the deployed commit, but not with the production error', {
      failureExcerpt: excerpt,
    });
  return verdict('reproduced', 'the new test fails with the production error and passes with the fix', {
    productionErrorSeen: seen,
    failureExcerpt: excerpt,
  });
}

/** Tests failing in `after` that did not fail in `before`; by exit status when the runner names none. */
function newlyFailing(before: Run, after: Run): string[] {
  const failedBefore = new Set(before.parsed.failing);
  const named = after.parsed.failing.filter((t) => !failedBefore.has(t));
  if (named.length || after.parsed.failing.length) return named;
  return passing(before) && !passing(after) ? [UNNAMED] : [];
}

function passing(run: Run): boolean {
  return run.summary.exitCode === 0 && !run.summary.timedOut;
}

function summarise(result: SandboxedResult): Run {
  const parsed = parseTestOutput(result.output);
  return {
    parsed,
    output: result.output,
    summary: {
      ...(parsed.passed !== undefined ? { passed: parsed.passed } : {}),
      ...(parsed.failed !== undefined ? { failed: parsed.failed } : {}),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      failing: parsed.failing.slice(0, 20),
    },
  };
}

function lastLines(output: string, n: number): string {
  return output.trimEnd().split('\n').slice(-n).join('\n').slice(-1_500);
}

/** A few lines around the first line that mentions `needle`. */
function excerptAround(output: string, needle: string, before = 3, after = 4): string {
  const lines = output.split('\n');
  const at = Math.max(
    0,
    lines.findIndex((l) => l.includes(needle)),
  );
  return lines
    .slice(Math.max(0, at - before), at + after + 1)
    .map((l) => l.slice(0, 200))
    .join('\n')
    .slice(0, 1_500);
}

interface FilePatch {
  file: string;
  patch: string;
}

/** The fix's diff split by file into test files and the rest. */
export function splitDiff(diff: string): { tests: FilePatch[]; source: FilePatch[] } {
  const parts = diff.split(/^(?=diff --git )/m).filter((p) => p.startsWith('diff --git '));
  const patches = parts.map((patch) => ({ file: /^diff --git a\/(.*?) b\//.exec(patch)?.[1] ?? '', patch }));
  return {
    tests: patches.filter((p) => isTestFile(p.file)),
    source: patches.filter((p) => !isTestFile(p.file)),
  };
}
