/**
 * What proof before approval costs a run, per language (the fixture apps of test/fixtures/apps):
 *   - the Claude Code session with a regression test and sandboxed Bash runs (real CLI, scripted model);
 *   - the pipeline's own three sandboxed test runs (deployed commit, test alone, whole fix), Go with a
 *     cold build cache as every run has;
 *   - the sandbox's start-up alone: `srt` running `true`, median of 10.
 * Run directly: `npx tsx test/bench/verify-bench.ts`, or as part of `npm run bench -- --only verify`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { proposeFix } from '../../activities/claude/propose-fix';
import { runRegressionTests } from '../../activities/sandbox/regression-tests';
import { runSandboxed } from '../../activities/sandbox/run-sandboxed';
import { sandboxPolicy } from '../../activities/sandbox/sandbox-policy';
import { protectedPathMatcher } from '../../activities/git/protected-paths';
import { productionErrorWords } from '../../workflows/domain/test-evidence';
import { startAnthropicFake } from '../fakes/anthropic-fake';
import { APP_FIXTURES } from '../fakes/language-fixes';
import { createCheckoutOf } from '../fakes/scripted-fix';
import { ms, type Row } from './figure';

const exec = promisify(execFile);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runVerifyBench(say: (line: string) => void = () => undefined): Promise<Row[]> {
  const root = await mkdtemp(path.join(tmpdir(), 'verify-bench-'));
  const rows: Row[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const starts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await runSandboxed({
        command: 'true',
        policy: sandboxPolicy({
          checkout: root,
          scratch: path.join(root, `scratch-${i}`),
          allowedDomains: [],
          serviceDirs: [],
          pathEnv: process.env.PATH ?? '',
        }),
        timeoutMs: 30_000,
        cpuSeconds: 10,
        maxOutputBytes: 10_000,
      });
      starts.push(r.durationMs);
    }
    rows.push({
      figure: 'sandbox start-up (srt `true`, median of 10)',
      value: ms(median(starts)),
      baseline: '—',
      goal: '< 2 s',
      met: median(starts) < 2_000,
    });

    for (const app of APP_FIXTURES) {
      say(`bench: proof for ${app.service}`);
      const checkout = await createCheckoutOf(app.dir, 'deployed');
      cleanups.push(checkout.remove);
      const fake = await startAnthropicFake(app.regressionTest ? app.turnsWithBash() : app.turns());
      const started = Date.now();
      const fix = await proposeFix(
        {
          anthropicBaseUrl: fake.url,
          anthropicApiKey: 'sk-ant-bench',
          maxTurns: 20,
          timeoutMs: 300_000,
          maxBudgetUsd: 5,
          maxConcurrent: 1,
          sandbox: true,
        },
        { isProtected: protectedPathMatcher(), maxDiffBytes: 200_000 },
        {
          dir: checkout.dir,
          baseCommit: checkout.baseCommit,
          request: {
            identity: {
              fingerprint: 'bench',
              service: app.service,
              errorType: app.error.kind,
              normalizedMessage: app.error.message,
              topFrames: [],
              language: app.language,
            },
            message: `${app.error.kind}: ${app.error.message}`,
            samples: [],
            previousRejections: [],
            repo: {},
            tests: { command: app.testCommand, canRun: true },
          },
        },
        { serviceDirs: [root] },
      );
      const claudeMs = Date.now() - started;
      await fake.close();
      await exec('git', ['checkout', '--quiet', '.'], { cwd: checkout.dir });
      await exec('git', ['clean', '-fdq'], { cwd: checkout.dir });
      const evidence = await runRegressionTests({
        dir: checkout.dir,
        commit: checkout.baseCommit,
        diff: fix.diff,
        errorWords: productionErrorWords(app.error.kind, `${app.error.kind}: ${app.error.message}`),
        policy: sandboxPolicy({
          checkout: checkout.dir,
          scratch: `${checkout.dir}.sandbox`,
          allowedDomains: [],
          serviceDirs: [root],
          pathEnv: process.env.PATH ?? '',
        }),
        limits: { timeoutMs: 600_000, cpuSeconds: 1_200, maxOutputBytes: 1_000_000 },
      });
      await rm(`${checkout.dir}.sandbox`, { recursive: true, force: true });
      if (process.env.VERIFY_BENCH_DEBUG) console.error(JSON.stringify(evidence, null, 1));
      const runs = [evidence.baseline, evidence.reproduction, evidence.withFix].map((r) =>
        r ? `${(r.durationMs / 1000).toFixed(1)}` : '–',
      );
      const expected = app.regressionTest ? 'reproduced' : 'not-reproduced';
      rows.push({
        figure: `${app.service}: Claude session with test + Bash runs`,
        value: ms(claudeMs),
        baseline: '—',
        goal: 'informational',
        met: true,
      });
      rows.push({
        figure: `${app.service}: 3 sandboxed test runs (${runs.join(' / ')} s), ${evidence.verdict}`,
        value: ms(evidence.totalMs),
        baseline: '—',
        goal: `${expected}, < 60 s`,
        met: evidence.verdict === expected && evidence.totalMs < 60_000,
      });
    }
  } finally {
    for (const cleanup of cleanups) await cleanup();
    await rm(root, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runVerifyBench((l) => console.error(l));
  for (const r of rows) console.log(`ROW ${JSON.stringify(r)}`);
  for (const r of rows) console.log(`${r.figure}: ${r.value} (goal ${r.goal}: ${r.met ? 'met' : 'MISSED'})`);
}
