import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTestOutput } from '../../../activities/sandbox/test-report';

/**
 * The fixtures under test/fixtures/test-output are real outputs, captured by running tiny throwaway projects:
 * node20-* with Node 20.20.2 (`node --test`, TAP by default when piped, and `--test-reporter=spec`),
 * node24-* with Node 24.22.3 (spec by default; FORCE_COLOR=1 for the coloured one), python311-* with
 * `python3 -m unittest discover -v` on Python 3.11.7, go-* with `go test -v ./...` on Go 1.26.8,
 * pytest-* with pytest 7.2.1 (`-rA`, `-v`), jest-* with Jest 29 (`--verbose` and default), maven-* with
 * Maven 3.8.7 and Surefire 2.22.3 (JUnit 4; `-B`, and `-q` in colour). The inline samples below are the
 * formats as their runners document them, for what this machine cannot run (dotnet, older versions).
 */
const fixtures = fileURLToPath(new URL('../../fixtures/test-output', import.meta.url));
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

describe('parseTestOutput: node:test', () => {
  it('reads Node 20 TAP: leaf tests only, runner counts, nested subtests and suites', () => {
    expect(parseTestOutput(fixture('node20-tap.txt'))).toEqual({
      format: 'node-test',
      passed: 3,
      failed: 3,
      failing: ['applies discount', 'rejects garbage'],
      passing: ['adds numbers', 'empty cart is zero', 'parses dates'],
    });
  });

  it('reads the spec reporter, counting each failing test once though it is printed twice', () => {
    const expected = {
      format: 'node-test',
      passed: 3,
      failed: 3,
      failing: ['applies discount', 'rejects garbage'],
      passing: ['adds numbers', 'empty cart is zero', 'parses dates'],
    };
    const node20 = fixture('node20-spec.txt');
    expect(node20.split('\u2716 applies discount').length - 1).toBe(2);
    expect(parseTestOutput(node20)).toEqual(expected);
    const node24 = fixture('node24-spec-color.txt');
    expect(node24).toContain('\u001b[31m');
    expect(parseTestOutput(node24)).toEqual(expected);
  });

  it('counts a test file that could not load as a failure, named by its path, in both reporters', () => {
    expect(parseTestOutput(fixture('node20-tap-file-entries.txt'))).toEqual({
      format: 'node-test',
      passed: 3,
      failed: 1,
      failing: ['/tmp/captures/nodeproj2/test/broken.test.js'],
      passing: ['works', 'inner ok', '/tmp/captures/nodeproj2/test/plain.test.js'],
    });
    expect(parseTestOutput(fixture('node24-spec-file-entries.txt'))).toMatchObject({
      format: 'node-test',
      failing: ['test/broken.test.js'],
      passing: ['works', 'inner ok', 'test/plain.test.js'],
    });
  });

  it('does not count the file-level wrapper Node 18 and early Node 20 print around each file in TAP', () => {
    const wrapped = [
      'TAP version 13',
      '# Subtest: /repo/test/a.test.js',
      '    # Subtest: adds',
      '    ok 1 - adds',
      '      ---',
      '      duration_ms: 0.5',
      '      ...',
      '    # Subtest: subtracts',
      '    not ok 2 - subtracts',
      '      ---',
      "      error: 'Expected values to be strictly equal'",
      '      ...',
      '    1..2',
      'not ok 1 - /repo/test/a.test.js',
      '  ---',
      '  duration_ms: 40.2',
      '  ...',
      '# Subtest: /repo/test/b.test.js',
      '    # Subtest: parses',
      '    ok 1 - parses',
      '    1..1',
      'ok 2 - /repo/test/b.test.js',
      '1..2',
      '# tests 2',
      '# pass 1',
      '# fail 1',
    ].join('\n');
    expect(parseTestOutput(wrapped)).toEqual({
      format: 'node-test',
      passed: 1,
      failed: 1,
      failing: ['subtracts'],
      passing: ['adds', 'parses'],
    });
  });

  it('counts neither skipped nor to-do tests, in TAP or spec', () => {
    for (const name of ['node20-tap-skip-todo.txt', 'node20-spec-skip-todo.txt']) {
      expect(parseTestOutput(fixture(name))).toEqual({
        format: 'node-test',
        passed: 1,
        failed: 0,
        failing: [],
        passing: ['real'],
      });
    }
  });

  it('counts cancelled tests as failed, keeps a parent that failed only through them out, unescapes names', () => {
    expect(parseTestOutput(fixture('node20-tap-cancelled.txt'))).toEqual({
      format: 'node-test',
      passed: 1,
      failed: 3,
      failing: ['slow', 'not awaited'],
      passing: ['name with # hash and \\ backslash'],
    });
  });

  it('keeps a parent that failed on its own, after its subtests passed', () => {
    const tap = [
      'TAP version 13',
      '# Subtest: parent',
      '    # Subtest: child',
      '    ok 1 - child',
      '    1..1',
      'not ok 1 - parent',
      '  ---',
      "  failureType: 'testCodeFailure'",
      '  ...',
      '1..1',
      '# pass 1',
      '# fail 1',
    ].join('\n');
    expect(parseTestOutput(tap)).toMatchObject({ failing: ['parent'], passing: ['child'] });
  });

  it('reads generic TAP (tape) as tap, with its summary', () => {
    const tape = [
      'TAP version 13',
      '# cart',
      'ok 1 should be equal',
      'not ok 2 applies the discount',
      '  ---',
      '    operator: equal',
      '    expected: 90',
      '    actual:   100',
      '  ...',
      'ok 3 # SKIP not yet',
      '',
      '1..3',
      '# tests 3',
      '# pass  1',
      '# fail  1',
    ].join('\n');
    expect(parseTestOutput(tape)).toEqual({
      format: 'tap',
      passed: 1,
      failed: 1,
      failing: ['applies the discount'],
      passing: ['should be equal'],
    });
  });
});

describe('parseTestOutput: Python', () => {
  it('reads unittest -v on 3.11: method names, docstrings, subtests, skips and expected failures', () => {
    expect(parseTestOutput(fixture('python311-unittest.txt'))).toEqual({
      format: 'unittest',
      passed: 2,
      failed: 3,
      failing: ['test_crash', 'test_discount', 'test_sub'],
      passing: ['test_empty', 'test_parse'],
    });
  });

  it("finds a unittest status printed after the test's own output", () => {
    expect(parseTestOutput(fixture('python311-unittest-noisy.txt'))).toEqual({
      format: 'unittest',
      passed: 1,
      failed: 1,
      failing: ['test_prints'],
      passing: ['test_quiet'],
    });
  });

  it('reads the pre-3.11 unittest format and the non-verbose one', () => {
    const old = [
      'test_add (tests.test_calc.CalcTest) ... ok',
      'test_div (tests.test_calc.CalcTest) ... ERROR',
      'test_sub (tests.test_calc.CalcTest) ... FAIL',
      '',
      '======================================================================',
      'ERROR: test_div (tests.test_calc.CalcTest)',
      '----------------------------------------------------------------------',
      'ZeroDivisionError: division by zero',
      '',
      '======================================================================',
      'FAIL: test_sub (tests.test_calc.CalcTest)',
      '----------------------------------------------------------------------',
      'AssertionError: 1 != 2',
      '',
      '----------------------------------------------------------------------',
      'Ran 3 tests in 0.001s',
      '',
      'FAILED (failures=1, errors=1)',
    ].join('\n');
    expect(parseTestOutput(old)).toEqual({
      format: 'unittest',
      passed: 1,
      failed: 2,
      failing: ['test_div', 'test_sub'],
      passing: ['test_add'],
    });
    const quiet = [
      '.F..',
      '======================================================================',
      'FAIL: test_sub (tests.test_calc.CalcTest.test_sub)',
      '----------------------------------------------------------------------',
      'AssertionError: 1 != 2',
      '',
      '----------------------------------------------------------------------',
      'Ran 4 tests in 0.001s',
      '',
      'FAILED (failures=1)',
    ].join('\n');
    expect(parseTestOutput(quiet)).toEqual({
      format: 'unittest',
      passed: 3,
      failed: 1,
      failing: ['test_sub'],
      passing: [],
    });
    expect(parseTestOutput('----\nRan 5 tests in 0.002s\n\nOK\n')).toEqual({
      format: 'unittest',
      passed: 5,
      failed: 0,
      failing: [],
      passing: [],
    });
  });

  it('reads pytest -rA: short names after the last ::, errors counted as failures, summary counts', () => {
    expect(parseTestOutput(fixture('pytest-rA.txt'))).toEqual({
      format: 'pytest',
      passed: 3,
      failed: 4,
      failing: ['test_uses_broken', 'test_discount', 'test_crash', 'test_param[2]'],
      passing: ['test_empty', 'test_param[1]', 'test_parse'],
    });
  });

  it('reads pytest -v per-test lines', () => {
    expect(parseTestOutput(fixture('pytest-v.txt'))).toEqual({
      format: 'pytest',
      passed: 3,
      failed: 4,
      failing: ['test_discount', 'test_crash', 'test_param[2]', 'test_uses_broken'],
      passing: ['test_empty', 'test_param[1]', 'test_parse'],
    });
  });

  it('names a pytest collection error by its file', () => {
    expect(parseTestOutput(fixture('pytest-collection-error.txt'))).toEqual({
      format: 'pytest',
      passed: 0,
      failed: 1,
      failing: ['tests/test_bad.py'],
      passing: [],
    });
  });

  it('reads the documented pytest summary forms, a parameter id with spaces, and -q', () => {
    const documented = [
      'FAILED tests/test_a.py::test_b - AssertionError: assert 1 == 2',
      'FAILED tests/test_a.py::TestC::test_d[a - b] - ValueError',
      '=================== 2 failed, 3 passed, 1 warning in 0.12s ===================',
    ].join('\n');
    expect(parseTestOutput(documented)).toEqual({
      format: 'pytest',
      passed: 3,
      failed: 2,
      failing: ['test_b', 'test_d[a - b]'],
      passing: [],
    });
    expect(parseTestOutput('...F\n1 failed, 3 passed in 0.05s\n')).toMatchObject({
      format: 'pytest',
      passed: 3,
      failed: 1,
    });
  });
});

describe('parseTestOutput: go test -v', () => {
  it('reads leaf tests and subtests, and the test whose panic ended the package', () => {
    expect(parseTestOutput(fixture('go-test-v.txt'))).toEqual({
      format: 'go',
      passed: 3,
      failed: 3,
      failing: ['TestDiscount', 'TestTable/one', 'TestPanics'],
      passing: ['TestEmpty', 'TestTable/zero', 'TestParse'],
    });
  });

  it('blames the tests still running when a goroutine panic or a timeout kills the package', () => {
    const expected = {
      format: 'go',
      passed: 1,
      failed: 1,
      failing: ['TestBackground/inner'],
      passing: ['TestFirst'],
    };
    expect(parseTestOutput(fixture('go-goroutine-panic.txt'))).toEqual(expected);
    expect(parseTestOutput(fixture('go-timeout.txt'))).toEqual(expected);
  });

  it('keeps a parent test that failed by itself, and tells packages apart', () => {
    const output = [
      '=== RUN   TestParent',
      '=== RUN   TestParent/a',
      '    x_test.go:12: cleanup failed',
      '--- FAIL: TestParent (0.00s)',
      '    --- PASS: TestParent/a (0.00s)',
      'FAIL',
      'FAIL\texample.com/a\t0.003s',
      '=== RUN   TestOther',
      '--- PASS: TestOther (0.00s)',
      'PASS',
      'ok  \texample.com/b\t0.002s',
      '?   \texample.com/c\t[no test files]',
    ].join('\n');
    expect(parseTestOutput(output)).toEqual({
      format: 'go',
      passed: 2,
      failed: 1,
      failing: ['TestParent'],
      passing: ['TestParent/a', 'TestOther'],
    });
  });

  it('reads non-verbose go test output', () => {
    const output = [
      '--- FAIL: TestX (0.00s)',
      '    x_test.go:9: got 1 want 2',
      'FAIL',
      'FAIL\texample.com/x\t0.004s',
      'ok  \texample.com/y\t0.002s',
      'FAIL',
    ].join('\n');
    expect(parseTestOutput(output)).toEqual({
      format: 'go',
      passed: 0,
      failed: 1,
      failing: ['TestX'],
      passing: [],
    });
  });
});

describe('parseTestOutput: jest', () => {
  it('reads --verbose: names without durations, the Tests: summary', () => {
    expect(parseTestOutput(fixture('jest-verbose.txt'))).toEqual({
      format: 'jest',
      passed: 3,
      failed: 2,
      failing: ['applies discount', 'rejects garbage'],
      passing: ['top level passes', 'empty cart is zero', 'parses dates'],
    });
  });

  it('reads failing names from the ● headings when the run is not verbose', () => {
    expect(parseTestOutput(fixture('jest-default.txt'))).toEqual({
      format: 'jest',
      passed: 3,
      failed: 2,
      failing: ['applies discount', 'rejects garbage'],
      passing: [],
    });
  });

  it('names a suite that failed to run by its file', () => {
    const output = [
      'FAIL src/broken.test.js',
      '  ● Test suite failed to run',
      '',
      "    Cannot find module './missing' from 'src/broken.test.js'",
      '',
      'PASS src/ok.test.js',
      '',
      'Test Suites: 1 failed, 1 passed, 2 total',
      'Tests:       1 passed, 1 total',
    ].join('\n');
    expect(parseTestOutput(output)).toEqual({
      format: 'jest',
      passed: 1,
      failed: 0,
      failing: ['src/broken.test.js'],
      passing: [],
    });
  });
});

describe('parseTestOutput: dotnet test', () => {
  it('reads the VSTest console logger, summing the summary of each test project', () => {
    const output = [
      '  Determining projects to restore...',
      '  Calculator.Tests -> /src/Calculator.Tests/bin/Debug/net8.0/Calculator.Tests.dll',
      'Test run for /src/Calculator.Tests/bin/Debug/net8.0/Calculator.Tests.dll (.NETCoreApp,Version=v8.0)',
      'Starting test execution, please wait...',
      'A total of 1 test files matched the specified pattern.',
      '[xUnit.net 00:00:00.52]     Calculator.Tests.CalculatorTests.Add_ReturnsSum [FAIL]',
      '  Failed Calculator.Tests.CalculatorTests.Add_ReturnsSum [12 ms]',
      '  Error Message:',
      '   Assert.Equal() Failure',
      '  Stack Trace:',
      '     at Calculator.Tests.CalculatorTests.Add_ReturnsSum() in /src/Calculator.Tests/CalculatorTests.cs:line 10',
      '  Failed Calculator.Tests.CalculatorTests.Divide(a: 1, b: 0) [< 1 ms]',
      '  Passed Calculator.Tests.CalculatorTests.Sub [1 s]',
      '',
      'Failed!  - Failed:     2, Passed:     3, Skipped:     0, Total:     5, Duration: 25 ms - Calculator.Tests.dll (net8.0)',
      'Passed!  - Failed:     0, Passed:     4, Skipped:     1, Total:     5, Duration: 9 ms - Parser.Tests.dll (net8.0)',
    ].join('\n');
    expect(parseTestOutput(output)).toEqual({
      format: 'dotnet',
      passed: 7,
      failed: 2,
      failing: [
        'Calculator.Tests.CalculatorTests.Add_ReturnsSum',
        'Calculator.Tests.CalculatorTests.Divide(a: 1, b: 0)',
      ],
      passing: ['Calculator.Tests.CalculatorTests.Sub'],
    });
  });

  it('reads the summary dotnet printed before .NET 5', () => {
    const output = [
      'Starting test execution, please wait...',
      'Failed   Bank.Tests.AccountTests.Debit',
      'Error Message:',
      ' Assert.AreEqual failed.',
      'Passed   Bank.Tests.AccountTests.Credit',
      '',
      'Test Run Failed.',
      'Total tests: 2',
      '     Passed: 1',
      '     Failed: 1',
      ' Total time: 1.6229 Seconds',
    ].join('\n');
    expect(parseTestOutput(output)).toEqual({
      format: 'dotnet',
      passed: 1,
      failed: 1,
      failing: ['Bank.Tests.AccountTests.Debit'],
      passing: ['Bank.Tests.AccountTests.Credit'],
    });
  });
});

describe('parseTestOutput: maven surefire', () => {
  it('reads the Results section and the totals, not the per-class lines', () => {
    const expected = {
      format: 'maven',
      passed: 2,
      failed: 2,
      failing: ['CartTest.discount', 'CartTest.crash'],
      passing: [],
    };
    expect(parseTestOutput(fixture('maven-surefire.txt'))).toEqual(expected);
    const quiet = fixture('maven-surefire-quiet-color.txt');
    expect(quiet).toContain('\u001b[1;31m');
    expect(parseTestOutput(quiet)).toEqual(expected);
  });

  it('sums the totals of several modules and falls back to the per-test lines for names', () => {
    const output = [
      '[INFO] Running com.example.a.CartTest',
      '[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in com.example.a.CartTest',
      '[ERROR] com.example.a.CartTest.discount -- Time elapsed: 0.01 s <<< FAILURE!',
      'org.opentest4j.AssertionFailedError: expected: <100> but was: <90>',
      '[INFO] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0',
      '[INFO] Running com.example.b.ParserTest',
      '[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 1, Time elapsed: 0.01 s -- in com.example.b.ParserTest',
      '[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 1',
    ].join('\n');
    expect(parseTestOutput(output)).toEqual({
      format: 'maven',
      passed: 3,
      failed: 1,
      failing: ['CartTest.discount'],
      passing: [],
    });
  });
});

describe('parseTestOutput: robustness', () => {
  it('says unknown, with no counts, for output from no known runner', () => {
    for (const output of ['', 'compiling...\nsegmentation fault\n', 'npm ERR! missing script: test']) {
      const parsed = parseTestOutput(output);
      expect(parsed).toEqual({ format: 'unknown', failing: [], passing: [] });
      expect('passed' in parsed).toBe(false);
    }
  });

  it('never throws, whatever it is given', () => {
    for (const junk of [undefined, null, 42, {}, '\u0000\u001b[', '\u001b]8;;unterminated', '\ud800']) {
      expect(parseTestOutput(junk as unknown as string)).toMatchObject({ format: 'unknown', failing: [] });
    }
  });

  it('reads Windows line endings and progress overwritten with carriage returns', () => {
    const output = '--- FAIL: TestX (0.00s)\r\nFAIL\texample.com/x\t0.01s\r\n';
    expect(parseTestOutput(output)).toMatchObject({ format: 'go', failing: ['TestX'] });
    expect(parseTestOutput('Running...\r  \u2715 overwrites (3 ms)\nTests:       1 failed, 1 total\n')).toMatchObject({
      format: 'jest',
      failing: ['overwrites'],
    });
  });

  it('reads a very large output in linear time', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`=== RUN   TestCase${i}`, `--- ${i % 1000 === 0 ? 'FAIL' : 'PASS'}: TestCase${i} (0.00s)`);
    }
    lines.push('FAIL\texample.com/big\t12.0s');
    const started = performance.now();
    const parsed = parseTestOutput(lines.join('\n'));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(parsed.format).toBe('go');
    expect(parsed.failed).toBe(100);
    expect(parsed.passed).toBe(99_900);
    expect(parsed.failing[1]).toBe('TestCase1000');
  });

  it('does not backtrack on hostile lines', () => {
    // 200 lines of 8,000 characters each: read linearly this takes milliseconds; a pattern that backtracks
    // over the whole line takes seconds (measured: about 2 s for 100 such lines).
    const width = 8_000;
    const fill = (prefix: string, unit: string) => (prefix + unit.repeat(width)).slice(0, width);
    const hostile = [
      fill('  Passed x', ' [1'),
      fill('  Failed x', ' [< 1'),
      fill('FAILED ', '::'),
      fill('a::', 'b::'),
      fill('\u2714 ', ' (1'),
      fill('  \u2715 ', ' (1 ms'),
      fill('test_x (', 'a.'),
      fill('[ERROR] x(', 'a <<< '),
      fill('[ERROR] ', '  Tests run: 1, Failures: '),
      fill('\u001b[', '1;'),
      fill('1 passed', ', 1 passed in 1'),
      fill('Failed!  - ', ' Failed: 1,'),
      fill('[xUnit.net 00:00:00.1] ', 'x [FAIL'),
      fill('not ok 1 - ', ' # x'),
    ];
    for (const line of hostile) {
      const started = performance.now();
      parseTestOutput(Array.from({ length: 200 }, () => line).join('\n'));
      expect(performance.now() - started, line.slice(0, 20)).toBeLessThan(1_000);
    }
    const go = Array.from({ length: 500 }, (_, i) => `--- ${i === 7 ? 'FAIL' : 'PASS'}: TestN${i} (0.00s)`);
    const output = [...hostile, 'x'.repeat(2_000_000), ...go, 'FAIL\tx\t1s'].join('\n');
    expect(parseTestOutput(output)).toMatchObject({ format: 'go', passed: 499, failed: 1, failing: ['TestN7'] });
  });
});
