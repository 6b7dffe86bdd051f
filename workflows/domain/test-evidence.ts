/**
 * What the sandboxed test runs proved about a fix, and what the run does with it. Pure: the
 * workflow, the Slack message, the pull request body and the CLI all read the same evidence.
 */

/** VERIFY_TEST_POLICY: `require` offers no fix without a reproducing test; `prefer` shows what there is; `off` runs nothing. */
export type TestPolicy = 'require' | 'prefer' | 'off';

export interface TestRunSummary {
  /** Counts when the test runner printed them. */
  passed?: number;
  failed?: number;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** Failing tests by name, as the runner printed them (at most 20). */
  failing: string[];
}

export type TestVerdict =
  /** A new test fails on the deployed commit with the production error and passes with the fix; nothing else broke. */
  | 'reproduced'
  /** No new test, or none that fails on the deployed commit for the production error's reason. */
  | 'not-reproduced'
  /** The fix makes tests fail that passed on the deployed commit. */
  | 'breaks-tests'
  /** The new test still fails with the fix. */
  | 'fix-fails-test'
  /** Nothing ran: no test command, no sandbox, or the policy is off. */
  | 'not-run';

export interface TestEvidence {
  verdict: TestVerdict;
  /** Plain words for people: why the verdict is what it is. */
  reason: string;
  /** The test command, as configured or detected; absent when none was found. */
  command?: string;
  /** The commit the tests ran on (the deployed one). */
  commit: string;
  /** Test files the fix adds or changes. */
  testFiles: string[];
  /** The new tests that fail on the deployed commit (the reproduction). */
  regressionTests: string[];
  /** The production error's words found in the failing run's output: "for the right reason". */
  productionErrorSeen?: string;
  /** A few lines of the failing run around the production error, for the approver. */
  failureExcerpt?: string;
  baseline?: TestRunSummary;
  reproduction?: TestRunSummary;
  withFix?: TestRunSummary;
  /** Tests failing with the fix that passed on the deployed commit. */
  newFailures: string[];
  /** Wall clock of all three runs, and of the sandbox's start-up alone (the shortest run of `true`). */
  totalMs: number;
}

/** A fix the run may offer for approval as it is; the others get another attempt with the evidence as feedback. */
export function acceptable(evidence: TestEvidence, policy: TestPolicy): boolean {
  if (evidence.verdict === 'breaks-tests' || evidence.verdict === 'fix-fails-test') return false;
  return policy !== 'require' || evidence.verdict === 'reproduced';
}

/** `passed/total`, or the exit status when the runner printed no counts. */
function score(run: TestRunSummary | undefined): string {
  if (!run) return '—';
  if (run.timedOut) return 'timed out';
  if (run.passed !== undefined || run.failed !== undefined) {
    const passed = run.passed ?? 0;
    return `${passed}/${passed + (run.failed ?? 0)}`;
  }
  return run.exitCode === 0 ? 'passing' : `failing (exit ${run.exitCode})`;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const short = (commit: string) => commit.slice(0, 7);
const names = (list: string[]) =>
  list.slice(0, 3).map(code).join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');

/** The suite before and after, e.g. "suite 12/12 → 13/13". */
export function suiteLine(e: TestEvidence): string {
  return `suite ${score(e.baseline)} → ${score(e.withFix)}`;
}

/**
 * One line an approver reads at a glance (Markdown with backticks, safe for Slack mrkdwn and
 * GitHub): what was reproduced, on which commit, and the suite before and after.
 */
export function evidenceHeadline(e: TestEvidence): string {
  const seconds = `${(e.totalMs / 1000).toFixed(1)} s in the sandbox`;
  switch (e.verdict) {
    case 'reproduced':
      return `Reproduced: ${names(e.regressionTests)} fails on ${code(short(e.commit))} with the production error; passes with the fix; ${suiteLine(e)} (${seconds}).`;
    case 'not-reproduced':
      return `Not reproduced: ${e.reason}; ${suiteLine(e)} (${seconds}).`;
    case 'breaks-tests':
      return `Warning: the fix breaks ${names(e.newFailures)}, which pass on ${code(short(e.commit))}; ${suiteLine(e)}.`;
    case 'fix-fails-test':
      return `Warning: ${names(e.regressionTests)} still fails with the fix; ${suiteLine(e)}.`;
    case 'not-run':
      return `Tests not run: ${e.reason}.`;
  }
}

/** What the next attempt is told about this one: the verdict and the failing tests, nothing else. */
export function evidenceFeedback(e: TestEvidence): string {
  const lines = [`The sandboxed test run of the previous attempt said: ${e.verdict} (${e.reason}).`];
  if (e.newFailures.length) lines.push(`Tests that passed before and fail with that fix: ${e.newFailures.join(', ')}.`);
  if (e.verdict === 'fix-fails-test')
    lines.push(`The regression tests that still fail with that fix: ${e.regressionTests.join(', ')}.`);
  if (e.failureExcerpt) lines.push(`Output of the failing run:\n${e.failureExcerpt}`);
  return lines.join('\n');
}

/** Evidence of tests that did not run, and why. */
export function notRun(commit: string, reason: string): TestEvidence {
  return { verdict: 'not-run', reason, commit, testFiles: [], regressionTests: [], newFailures: [], totalMs: 0 };
}

/**
 * What a faithful reproduction prints: the production message (with and without its type) or a
 * specific error type. Generic names (Error, Exception) and short fragments prove nothing.
 */
export function productionErrorWords(errorType: string, message: string): string[] {
  const first = (message.split('\n')[0] ?? '').trim().slice(0, 120);
  // "TypeError: x", "runtime.errorString: x", "panic: x": the type before the colon is the runner's to print.
  const bare = first.replace(/^[\w.$]+:\s+/, '');
  const words = [bare, first];
  if (!/^(Error|Exception|panic|Throwable|RuntimeError)$/.test(errorType)) words.push(errorType);
  return [...new Set(words.filter((w) => w.length >= 6))];
}
