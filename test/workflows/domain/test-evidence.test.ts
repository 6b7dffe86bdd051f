import { describe, expect, it } from 'vitest';
import {
  acceptable,
  evidenceFeedback,
  evidenceHeadline,
  notRun,
  productionErrorWords,
  type TestEvidence,
} from '../../../workflows/domain/test-evidence';

const run = (passed: number, failed: number) => ({
  passed,
  failed,
  exitCode: failed ? 1 : 0,
  timedOut: false,
  durationMs: 500,
  failing: [],
});

const reproduced: TestEvidence = {
  verdict: 'reproduced',
  reason: 'the new test fails with the production error and passes with the fix',
  command: 'npm test',
  commit: 'abc1234def5678',
  testFiles: ['test/cart.test.js'],
  regressionTests: ['guest checkout'],
  newFailures: [],
  baseline: run(412, 0),
  reproduction: run(412, 1),
  withFix: run(413, 0),
  totalMs: 4_100,
};

describe('test evidence', () => {
  it('reads as one line an approver takes in at a glance', () => {
    expect(evidenceHeadline(reproduced)).toBe(
      'Reproduced: `guest checkout` fails on `abc1234` with the production error; passes with the fix; suite 412/412 → 413/413 (4.1 s in the sandbox).',
    );
    expect(
      evidenceHeadline({ ...reproduced, verdict: 'breaks-tests', newFailures: ['coupon', 'tax', 'fx', 'rounding'] }),
    ).toBe(
      'Warning: the fix breaks `coupon`, `tax`, `fx` and 1 more, which pass on `abc1234`; suite 412/412 → 413/413.',
    );
    expect(evidenceHeadline(notRun('abc', 'no test command'))).toBe('Tests not run: no test command.');
  });

  it('sends back what breaks tests, and under `require` what does not reproduce', () => {
    expect(acceptable(reproduced, 'require')).toBe(true);
    expect(acceptable({ ...reproduced, verdict: 'not-reproduced' }, 'prefer')).toBe(true);
    expect(acceptable({ ...reproduced, verdict: 'not-reproduced' }, 'require')).toBe(false);
    expect(acceptable({ ...reproduced, verdict: 'breaks-tests' }, 'prefer')).toBe(false);
    expect(acceptable({ ...reproduced, verdict: 'fix-fails-test' }, 'prefer')).toBe(false);
  });

  it('tells the next attempt which tests broke', () => {
    const feedback = evidenceFeedback({ ...reproduced, verdict: 'breaks-tests', newFailures: ['coupon'] });
    expect(feedback).toContain('breaks-tests');
    expect(feedback).toContain('Tests that passed before and fail with that fix: coupon.');
  });

  it('finds the production error in a runner output by its message or its specific type', () => {
    expect(productionErrorWords('TypeError', "TypeError: Cannot read properties of undefined (reading 'x')")).toEqual([
      "Cannot read properties of undefined (reading 'x')",
      "TypeError: Cannot read properties of undefined (reading 'x')",
      'TypeError',
    ]);
    expect(productionErrorWords('runtime.errorString', 'panic: runtime error: index out of range')[0]).toBe(
      'runtime error: index out of range',
    );
    // A generic type proves nothing, nor does a short fragment.
    expect(productionErrorWords('Error', 'Error: boom')).toEqual(['Error: boom']);
  });
});
