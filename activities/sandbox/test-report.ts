/**
 * Reads what a test runner printed and says which tests passed and which failed.
 *
 * Pure and defensive: the output comes from an arbitrary repository's test command, so it may be
 * huge, coloured, interleaved with the tests' own printing, or cut short by a crash. Every pass over
 * it is linear, each line is looked at through a bounded prefix, and nothing here throws.
 */

export interface ParsedTests {
  /** Counts when the runner printed them (summary lines), else counted from per-test lines, else undefined. */
  passed?: number;
  failed?: number;
  /** Names of failing tests as the runner prints them, deduplicated, in order. */
  failing: string[];
  /** Names of passing tests when the runner lists them. */
  passing: string[];
  /** Which format was recognised: 'node-test' | 'tap' | 'unittest' | 'pytest' | 'go' | 'jest' | 'dotnet' | 'maven' | 'unknown'. */
  format: string;
}

export type TestOutputFormat =
  'node-test' | 'tap' | 'unittest' | 'pytest' | 'go' | 'jest' | 'dotnet' | 'maven' | 'unknown';

/** Longer lines are read through their first this-many characters: no test name or summary is longer. */
const MAX_LINE = 8192;
/** A summary line counts for this many per-test lines when deciding which runner printed the output. */
const SUMMARY_WEIGHT = 10;

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles). Both are linear.
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function parseTestOutput(output: string): ParsedTests {
  try {
    if (typeof output !== 'string' || output.length === 0) return unknown();
    const lines = toLines(output);
    // Every reader looks at the whole output; the one that recognised the most wins, and ties go to the
    // earlier, more distinctive format (a build log may quote another runner's line or two).
    const readers = [parseMaven, parseDotnet, parseGo, parsePytest, parseUnittest, parseJest, parseNodeSpec, parseTap];
    let best: Candidate | undefined;
    for (const read of readers) {
      const found = read(lines);
      if (found && found.evidence > 0 && (!best || found.evidence > best.evidence)) best = found;
    }
    return best ? best.result : unknown();
  } catch {
    return unknown();
  }
}

interface Candidate {
  evidence: number;
  result: ParsedTests;
}

const unknown = (): ParsedTests => ({ failing: [], passing: [], format: 'unknown' });

function toLines(output: string): string[] {
  const plain = output.replace(OSC, '').replace(CSI, '');
  return plain.split('\n').map((raw) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // A carriage return inside a line is a progress display overwriting itself: keep what was left.
    const cr = line.lastIndexOf('\r');
    if (cr >= 0) line = line.slice(cr + 1);
    return line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  });
}

/** Ordered, deduplicated names plus the number of per-test results seen (which may repeat a name). */
class Tally {
  readonly failing = new Set<string>();
  readonly passing = new Set<string>();
  failedResults = 0;
  passedResults = 0;

  fail(name: string): void {
    this.failedResults++;
    if (name) this.failing.add(name);
  }

  pass(name: string): void {
    this.passedResults++;
    if (name) this.passing.add(name);
  }

  get results(): number {
    return this.failedResults + this.passedResults;
  }

  /** Summary counts when the runner printed them, else the per-test counts, else none. */
  toResult(format: TestOutputFormat, summary?: { passed: number; failed: number }): ParsedTests {
    const result: ParsedTests = { failing: [...this.failing], passing: [...this.passing], format };
    if (summary) {
      result.passed = summary.passed;
      result.failed = summary.failed;
    } else if (this.results > 0) {
      result.passed = this.passedResults;
      result.failed = this.failedResults;
    }
    return result;
  }
}

const leadingSpaces = (line: string): number => {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
};

const toInt = (s: string | undefined): number => {
  const n = s === undefined ? NaN : Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : 0;
};

/**
 * Tracks nesting by indentation for runners that print a parent's result after its children (node:test in
 * both reporters). A parent is never counted as a passing test; a failing parent is counted only when none of
 * its descendants failed, that is when it failed on its own (a hook, an assertion after its subtests, a file
 * that could not load). The file-level wrapper older Node versions print in TAP is such a parent.
 */
class Nesting {
  private readonly open: { indent: number; failed: boolean }[] = [];

  constructor(private readonly tally: Tally) {}

  result(indent: number, name: string, passed: boolean): void {
    let isParent = false;
    let childFailed = false;
    let top = this.open[this.open.length - 1];
    while (top && top.indent > indent) {
      this.open.pop();
      isParent = true;
      childFailed ||= top.failed;
      top = this.open[this.open.length - 1];
    }
    if (!top || top.indent < indent) {
      top = { indent, failed: false };
      this.open.push(top);
    }
    if (!isParent) {
      if (passed) this.tally.pass(name);
      else this.tally.fail(name);
    } else if (!passed && !childFailed) {
      this.tally.fail(name);
    }
    top.failed ||= !passed || childFailed;
  }
}

// ---------------------------------------------------------------------------------------------------------
// node:test, TAP reporter (Node 20's default when stdout is not a TTY), and generic TAP (tape, prove, ...)

const TAP_RESULT = /^(not ok|ok)\b(?:\s+\d+)?(?:\s*-)?\s?(.*)$/;
const TAP_DIRECTIVE = /(?:^|\s)#\s*(skip|todo)\b/i;
const TAP_SUMMARY = /^# (pass|fail|cancelled|tests)\s+(\d+)\s*$/;

function parseTap(lines: string[]): Candidate | undefined {
  const tally = new Tally();
  const nesting = new Nesting(tally);
  const summary = new Map<string, number>();
  let evidence = 0;
  let node = false;
  let yamlIndent = -1;
  for (const line of lines) {
    const indent = leadingSpaces(line);
    const text = line.slice(indent);
    if (yamlIndent >= 0) {
      if (text === '...' && indent <= yamlIndent) yamlIndent = -1;
      continue;
    }
    if (text === '---') {
      yamlIndent = indent;
      continue;
    }
    if (text.startsWith('# Subtest:') || text.startsWith('TAP version')) {
      if (text.startsWith('# Subtest:')) node = true;
      evidence++;
      continue;
    }
    const s = indent === 0 ? TAP_SUMMARY.exec(text) : null;
    if (s) {
      summary.set(s[1] as string, toInt(s[2]));
      continue;
    }
    if (!text.startsWith('ok') && !text.startsWith('not ok')) continue;
    const m = TAP_RESULT.exec(text);
    if (!m || !/^(not ok|ok)\s+\d/.test(text)) continue;
    evidence++;
    const description = m[2] ?? '';
    // Skipped and to-do tests are neither passes nor failures.
    if (TAP_DIRECTIVE.test(description)) continue;
    nesting.result(indent, unescapeTap(description.trim()), m[1] === 'ok');
  }
  if (evidence === 0) return undefined;
  const hasSummary = summary.has('pass') || summary.has('fail');
  if (hasSummary) evidence += SUMMARY_WEIGHT;
  if (node) evidence++;
  const counts = hasSummary
    ? { passed: summary.get('pass') ?? 0, failed: (summary.get('fail') ?? 0) + (summary.get('cancelled') ?? 0) }
    : undefined;
  return { evidence, result: tally.toResult(node ? 'node-test' : 'tap', counts) };
}

/** Node escapes `\`, `#` and line breaks in TAP test names. */
function unescapeTap(name: string): string {
  if (!name.includes('\\')) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c === '\\' && i + 1 < name.length) {
      const next = name[i + 1] as string;
      if (next === '#' || next === '\\') {
        out += next;
        i++;
        continue;
      }
      if (next === 'n') {
        out += '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// node:test, spec reporter (Node 22/24's default; Node 20 with --test-reporter=spec)

const SPEC_PASS = '\u2714'; // ✔
const SPEC_FAIL = '\u2716'; // ✖
const SPEC_SUITE = '\u25b6'; // ▶
const SPEC_SUMMARY = /^\u2139 (pass|fail|cancelled|tests) (\d+)\s*$/; // ℹ pass 3
const SPEC_DURATION = / \(\d+(?:\.\d+)?m?s\)$/;

function parseNodeSpec(lines: string[]): Candidate | undefined {
  const tally = new Tally();
  const nesting = new Nesting(tally);
  const summary = new Map<string, number>();
  let evidence = 0;
  let failingSection = false;
  for (const line of lines) {
    const indent = leadingSpaces(line);
    const text = line.slice(indent);
    const s = indent === 0 ? SPEC_SUMMARY.exec(text) : null;
    if (s) {
      summary.set(s[1] as string, toInt(s[2]));
      continue;
    }
    const marker = text[0];
    if ((marker !== SPEC_PASS && marker !== SPEC_FAIL && marker !== SPEC_SUITE) || text[1] !== ' ') continue;
    if (marker === SPEC_FAIL && text === `${SPEC_FAIL} failing tests:`) {
      // Node repeats every failing test here, with its error: the names are already known.
      failingSection = true;
      continue;
    }
    let name = text.slice(2);
    const hash = name.lastIndexOf(' # ');
    const directive = hash >= 0 ? name.slice(hash + 3) : '';
    if (/^(TODO|SKIP)\b/.test(directive)) continue;
    const timed = SPEC_DURATION.exec(name);
    if (hash >= 0 && (!timed || timed.index < hash)) name = name.slice(0, hash);
    const duration = SPEC_DURATION.exec(name);
    if (duration) name = name.slice(0, duration.index);
    // `▶ suite` opens a suite; only the closing line, which carries a duration, is a result.
    if (marker === SPEC_SUITE && !duration) continue;
    evidence++;
    if (failingSection) {
      if (marker === SPEC_FAIL) tally.failing.add(name);
      continue;
    }
    nesting.result(indent, name, marker !== SPEC_FAIL);
  }
  const hasSummary = summary.has('pass') || summary.has('fail');
  if (hasSummary) evidence += SUMMARY_WEIGHT;
  if (evidence === 0) return undefined;
  const counts = hasSummary
    ? { passed: summary.get('pass') ?? 0, failed: (summary.get('fail') ?? 0) + (summary.get('cancelled') ?? 0) }
    : undefined;
  return { evidence, result: tally.toResult('node-test', counts) };
}

// ---------------------------------------------------------------------------------------------------------
// Python unittest (-v, and the FAIL:/ERROR: blocks it always prints)

const UNITTEST_HEADER = /^([A-Za-z_]\w*) \(([\w.]+)\)(.*)$/;
const UNITTEST_STATUS = /^(ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)$/;
const UNITTEST_BLOCK = /^(FAIL|ERROR|UNEXPECTED SUCCESS): ([A-Za-z_]\w*) \(/;
const UNITTEST_RAN = /^Ran (\d+) tests? in /;
const UNITTEST_RESULT = /^(OK|FAILED)(?: \((.*)\))?\s*$/;

function parseUnittest(lines: string[]): Candidate | undefined {
  const tally = new Tally();
  let evidence = 0;
  let pending: string | undefined;
  let ran: number | undefined;
  let failed = 0;
  let notPassed = 0;
  let awaitingResult = false;

  const apply = (name: string, status: string): void => {
    evidence++;
    if (status === 'ok') tally.pass(name);
    else if (status === 'FAIL' || status === 'ERROR' || status === 'unexpected success') tally.fail(name);
  };

  for (const line of lines) {
    const text = line.trimStart();
    const header = UNITTEST_HEADER.exec(text);
    if (header) {
      const name = header[1] as string;
      const rest = header[3] ?? '';
      const dots = rest.lastIndexOf(' ... ');
      const status = dots >= 0 ? rest.slice(dots + 5).trim() : rest.endsWith(' ...') ? '' : undefined;
      if (status !== undefined && UNITTEST_STATUS.test(status)) {
        apply(name, status);
        pending = undefined;
      } else {
        // A docstring, the test's own printing or its subtests come before the status.
        pending = name;
      }
      continue;
    }
    if (pending !== undefined) {
      const dots = text.lastIndexOf(' ... ');
      const status = (dots >= 0 ? text.slice(dots + 5) : text).trim();
      if (UNITTEST_STATUS.test(status)) {
        apply(pending, status);
        pending = undefined;
        continue;
      }
    }
    const block = UNITTEST_BLOCK.exec(line);
    if (block) {
      pending = undefined;
      evidence++;
      tally.failing.add(block[2] as string);
      continue;
    }
    const r = UNITTEST_RAN.exec(line);
    if (r) {
      pending = undefined;
      ran = (ran ?? 0) + toInt(r[1]);
      awaitingResult = true;
      evidence += SUMMARY_WEIGHT;
      continue;
    }
    if (awaitingResult) {
      const result = UNITTEST_RESULT.exec(line);
      if (result) {
        awaitingResult = false;
        for (const part of (result[2] ?? '').split(',')) {
          const eq = part.indexOf('=');
          if (eq < 0) continue;
          const key = part.slice(0, eq).trim();
          const n = toInt(part.slice(eq + 1).trim());
          if (key === 'failures' || key === 'errors' || key === 'unexpected successes') failed += n;
          if (key === 'skipped' || key === 'expected failures') notPassed += n;
        }
      }
    }
  }
  if (evidence === 0) return undefined;
  let counts: { passed: number; failed: number } | undefined;
  if (ran !== undefined) {
    // unittest prints no pass count: the verbose lines give it, else what the run left over.
    // (A test's failing subtests each count as a failure, so the difference is only a fallback.)
    const passed = tally.passedResults > 0 ? tally.passedResults : Math.max(0, ran - failed - notPassed);
    counts = { passed, failed };
  }
  return { evidence, result: tally.toResult('unittest', counts) };
}

// ---------------------------------------------------------------------------------------------------------
// pytest (-rA short summary, -v per-test lines, the closing `N failed, N passed in 0.12s` line)

const PYTEST_SUMMARY_ENTRY = /^(PASSED|FAILED|ERROR) ([^\s(].*)$/;
const PYTEST_XDIST = /^\[gw\d+\] \[\s*\d+%\] /;
const PYTEST_STATUSES = new Set(['PASSED', 'FAILED', 'ERROR']);
const PYTEST_CLOSING = / in \d+(?:\.\d+)?s\b/;
const PYTEST_COUNT = /^(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun)$/;

function parsePytest(lines: string[]): Candidate | undefined {
  const tally = new Tally();
  let evidence = 0;
  let summary: { passed: number; failed: number } | undefined;
  for (const line of lines) {
    if (line.startsWith('=') && line.includes(' test session starts ')) {
      evidence++;
      continue;
    }
    // -rA's short summary, `FAILED tests/test_a.py::test_b - AssertionError` (xdist's -v prints the same after a prefix)
    const xdist = PYTEST_XDIST.exec(line);
    const entry = PYTEST_SUMMARY_ENTRY.exec(xdist ? line.slice(xdist[0].length) : line);
    if (entry) {
      record(tally, entry[1] as string, pytestNodeId(entry[2] as string));
      evidence++;
      continue;
    }
    // -v: `tests/test_a.py::test_b PASSED    [ 50%]`
    const space = line.indexOf(' ');
    if (space > 0 && line.lastIndexOf('::', space) > 0) {
      const after = line.indexOf(' ', space + 1);
      const status = line.slice(space + 1, after < 0 ? line.length : after);
      if (PYTEST_STATUSES.has(status)) {
        record(tally, status, line.slice(0, space));
        evidence++;
        continue;
      }
    }
    const closing = pytestClosing(line);
    if (closing) {
      summary = { passed: (summary?.passed ?? 0) + closing.passed, failed: (summary?.failed ?? 0) + closing.failed };
      evidence += SUMMARY_WEIGHT;
    }
  }
  if (evidence === 0) return undefined;
  return { evidence, result: tally.toResult('pytest', summary) };
}

function record(tally: Tally, status: string, nodeId: string): void {
  const name = pytestName(nodeId);
  if (status === 'PASSED') tally.pass(name);
  else tally.fail(name);
}

/** The node id ends at the first space outside a parametrisation's brackets (` - message` follows). */
function pytestNodeId(rest: string): string {
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ' ' && depth === 0) return rest.slice(0, i);
  }
  return rest;
}

/** `tests/test_a.py::TestX::test_b[1]` → `test_b[1]`; a collection error's bare path stays whole. */
function pytestName(nodeId: string): string {
  const bracket = nodeId.indexOf('[');
  const head = bracket >= 0 ? nodeId.slice(0, bracket) : nodeId;
  const sep = head.lastIndexOf('::');
  return sep >= 0 ? nodeId.slice(sep + 2) : nodeId;
}

function pytestClosing(line: string): { passed: number; failed: number } | undefined {
  if (!line.includes(' in ') || !(line.includes('passed') || line.includes('failed') || line.includes('error'))) {
    if (!/^=* ?no tests ran in /.test(line)) return undefined;
    return { passed: 0, failed: 0 };
  }
  const at = PYTEST_CLOSING.exec(line);
  if (!at) return undefined;
  let start = 0;
  while (start < at.index && (line[start] === '=' || line[start] === ' ')) start++;
  const parts = line.slice(start, at.index).split(', ');
  let passed = 0;
  let failed = 0;
  for (const part of parts) {
    const m = PYTEST_COUNT.exec(part.trim());
    if (!m) return undefined;
    const n = toInt(m[1]);
    if (m[2] === 'passed') passed += n;
    else if (m[2] === 'failed' || m[2] === 'error' || m[2] === 'errors') failed += n;
  }
  return { passed, failed };
}

// ---------------------------------------------------------------------------------------------------------
// go test -v

const GO_RESULT = /^--- (PASS|FAIL|SKIP): (\S+)/;
const GO_RUN = /^=== RUN\s+(\S+)/;
const GO_PACKAGE = /^(ok|FAIL|\?)\s*\t(\S+)/;

interface GoPackage {
  results: { name: string; passed: boolean }[];
  started: Map<string, boolean>;
  crashed: boolean;
}

function parseGo(lines: string[]): Candidate | undefined {
  const tally = new Tally();
  let evidence = 0;
  let pkg: GoPackage = newGoPackage();
  for (const line of lines) {
    const text = line.trimStart();
    const result = GO_RESULT.exec(text);
    if (result) {
      evidence++;
      const name = result[2] as string;
      pkg.started.set(name, true);
      if (result[1] !== 'SKIP') pkg.results.push({ name, passed: result[1] === 'PASS' });
      continue;
    }
    const run = GO_RUN.exec(line);
    if (run) {
      evidence++;
      const name = run[1] as string;
      if (!pkg.started.has(name)) pkg.started.set(name, false);
      continue;
    }
    if (line.startsWith('panic: ')) {
      pkg.crashed = true;
      continue;
    }
    const end = GO_PACKAGE.exec(line);
    if (end) {
      evidence++;
      finishGoPackage(pkg, end[1] === 'FAIL', tally);
      pkg = newGoPackage();
    }
  }
  // Output cut off before the package's closing line.
  finishGoPackage(pkg, pkg.crashed, tally);
  if (evidence === 0) return undefined;
  return { evidence, result: tally.toResult('go') };
}

const newGoPackage = (): GoPackage => ({ results: [], started: new Map(), crashed: false });

/**
 * Go prints a parent before its subtests (`TestX`, then `TestX/case`), so nesting is read from the names.
 * A crash (panic, timeout) ends the package without results for the tests still running: they failed.
 */
function finishGoPackage(pkg: GoPackage, failed: boolean, tally: Tally): void {
  if (failed && pkg.crashed) {
    for (const [name, finished] of pkg.started) if (!finished) pkg.results.push({ name, passed: false });
  }
  const parents = new Set<string>();
  const failedParents = new Set<string>();
  for (const { name, passed } of pkg.results) {
    for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
      const prefix = name.slice(0, i);
      parents.add(prefix);
      if (!passed) failedParents.add(prefix);
    }
  }
  for (const { name, passed } of pkg.results) {
    if (!parents.has(name)) {
      if (passed) tally.pass(name);
      else tally.fail(name);
    } else if (!passed && !failedParents.has(name)) {
      tally.fail(name);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Jest

const JEST_PASS = '\u2713'; // ✓
const JEST_FAIL = '\u2715'; // ✕
const JEST_DURATION = / \(\d+(?:\.\d+)? ?m?s\)$/;
const JEST_TESTS = /^Tests:\s+(.*)$/;
const JEST_COUNT = /^(\d+) (failed|passed|skipped|todo|total)$/;
const JEST_FILE = /^(PASS|FAIL) (\S+)/;

function parseJest(lines: string[]): Candidate | undefined {
  const tally = new Tally();
  let evidence = 0;
  let summary: { passed: number; failed: number } | undefined;
  let failedFile: string | undefined;
  for (const line of lines) {
    const text = line.trimStart();
    const marker = text[0];
    if ((marker === JEST_PASS || marker === JEST_FAIL) && text[1] === ' ' && line !== text) {
      let name = text.slice(2);
      const duration = JEST_DURATION.exec(name);
      if (duration) name = name.slice(0, duration.index);
      evidence++;
      if (marker === JEST_PASS) tally.pass(name);
      else tally.fail(name);
      continue;
    }
    if (text.startsWith('\u25cf ')) {
      // ● describe › test: the failure's heading, printed whether or not the run is verbose.
      const heading = text.slice(2).trim();
      if (heading === 'Test suite failed to run') {
        if (failedFile) tally.failing.add(failedFile);
      } else if (heading !== 'Console' && line !== text) {
        const sep = heading.lastIndexOf(' \u203a ');
        tally.failing.add(sep >= 0 ? heading.slice(sep + 3) : heading);
      }
      continue;
    }
    const file = JEST_FILE.exec(line);
    if (file) {
      failedFile = file[1] === 'FAIL' ? file[2] : undefined;
      continue;
    }
    const tests = JEST_TESTS.exec(line);
    if (tests) {
      const counts = { passed: 0, failed: 0 };
      let ok = false;
      for (const part of (tests[1] as string).split(',')) {
        const m = JEST_COUNT.exec(part.trim());
        if (!m) continue;
        ok = true;
        if (m[2] === 'passed') counts.passed += toInt(m[1]);
        if (m[2] === 'failed') counts.failed += toInt(m[1]);
      }
      if (ok) {
        summary = { passed: (summary?.passed ?? 0) + counts.passed, failed: (summary?.failed ?? 0) + counts.failed };
        evidence += SUMMARY_WEIGHT;
      }
    }
  }
  if (evidence === 0) return undefined;
  return { evidence, result: tally.toResult('jest', summary) };
}

// ---------------------------------------------------------------------------------------------------------
// dotnet test (VSTest console logger)

const DOTNET_SUMMARY =
  /^\s*(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+),\s+Total:\s+(\d+)/;
const DOTNET_RESULT = /^\s+(Passed|Failed|Skipped) (\S)/;
const DOTNET_DURATION = /^(?:< ?)?\d[\w .]*$/;
const DOTNET_OLD_RESULT = /^\s*(Passed|Failed|Skipped) {2,}(\S+)$/;
const DOTNET_XUNIT_FAIL = /^\[xUnit\.net [\d:.]+\]\s+(\S.*) \[FAIL\]$/;
const DOTNET_TOTAL = /^\s*Total tests: (\d+)/;
const DOTNET_OLD_COUNT = /\b(Passed|Failed): (\d+)/g;

function parseDotnet(lines: string[]): Candidate | undefined {
  const tally = new Tally();
  let evidence = 0;
  let summary: { passed: number; failed: number } | undefined;
  let oldSummary: { passed: number; failed: number } | undefined;
  let inOldSummary = false;
  for (const line of lines) {
    const s = DOTNET_SUMMARY.exec(line);
    if (s) {
      summary = { passed: (summary?.passed ?? 0) + toInt(s[2]), failed: (summary?.failed ?? 0) + toInt(s[1]) };
      evidence += SUMMARY_WEIGHT;
      continue;
    }
    const r = dotnetResult(line);
    if (r) {
      evidence++;
      if (r.status === 'Passed') tally.pass(r.name);
      else if (r.status === 'Failed') tally.fail(r.name);
      continue;
    }
    const x = DOTNET_XUNIT_FAIL.exec(line);
    if (x) {
      evidence++;
      tally.failing.add(x[1] as string);
      continue;
    }
    // Before .NET 5: `Total tests: 5` then `Passed: 4` / `Failed: 1` lines, or all on one line.
    const total = DOTNET_TOTAL.exec(line);
    if (total) {
      inOldSummary = true;
      oldSummary ??= { passed: 0, failed: 0 };
      evidence += SUMMARY_WEIGHT;
    }
    if (inOldSummary && oldSummary) {
      let any = false;
      for (const m of line.matchAll(DOTNET_OLD_COUNT)) {
        any = true;
        if (m[1] === 'Passed') oldSummary.passed += toInt(m[2]);
        else oldSummary.failed += toInt(m[2]);
      }
      if (!any && !total) inOldSummary = false;
    }
  }
  if (evidence === 0) return undefined;
  return { evidence, result: tally.toResult('dotnet', summary ?? oldSummary) };
}

/** `  Failed Namespace.Class.Method [12 ms]` (or `[< 1 ms]`, `[1 s]`); before .NET 5, `Failed   Name`. */
function dotnetResult(line: string): { status: string; name: string } | undefined {
  const r = DOTNET_RESULT.exec(line);
  if (r && line.endsWith(']')) {
    const open = line.lastIndexOf(' [');
    const start = (r.index ?? 0) + r[0].length - 1;
    if (open > start && DOTNET_DURATION.test(line.slice(open + 2, -1))) {
      return { status: r[1] as string, name: line.slice(start, open) };
    }
  }
  const old = DOTNET_OLD_RESULT.exec(line);
  return old ? { status: old[1] as string, name: old[2] as string } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Maven Surefire (and Failsafe)

const MAVEN_LEVEL = /^\[(INFO|ERROR|WARNING|WARN)\] ?/;
const MAVEN_TESTS_RUN = /Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)/;
const MAVEN_ENTRY = /^ {2}([^\s:]+)/;
const MAVEN_TEST_FAILURE = /^(\S+?)(?:\(([\w.$]+)\))?\s+(?:--\s+)?Time elapsed: .*<<< (?:FAILURE|ERROR)!/;

function parseMaven(lines: string[]): Candidate | undefined {
  const fromSections = new Tally();
  const fromTests = new Tally();
  let evidence = 0;
  const totals = { run: 0, failed: 0, skipped: 0, seen: false };
  const perClass = { run: 0, failed: 0, skipped: 0, seen: false };
  let section: 'failures' | 'flakes' | undefined;
  for (const line of lines) {
    const level = MAVEN_LEVEL.exec(line);
    if (!level) continue;
    const text = line.slice(level[0].length);
    const run = MAVEN_TESTS_RUN.exec(text);
    if (run) {
      section = undefined;
      evidence += SUMMARY_WEIGHT;
      // Per-class lines carry the elapsed time; the totals after `Results:` do not.
      const into = text.includes('Time elapsed') ? perClass : totals;
      into.seen = true;
      into.run += toInt(run[1]);
      into.failed += toInt(run[2]) + toInt(run[3]);
      into.skipped += toInt(run[4]);
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === 'Failures:' || trimmed === 'Errors:') {
      section = 'failures';
      continue;
    }
    if (trimmed === 'Flakes:') {
      section = 'flakes';
      continue;
    }
    if (section) {
      const entry = MAVEN_ENTRY.exec(text);
      if (!entry) {
        section = undefined;
      } else if (section === 'failures' && !/^Run \d+:/.test(text.trim())) {
        evidence++;
        fromSections.fail(entry[1] as string);
      }
      continue;
    }
    const failure = text.includes('<<< ') ? MAVEN_TEST_FAILURE.exec(text) : null;
    if (failure) {
      evidence++;
      fromTests.fail(shortJavaName(failure[1] as string, failure[2]));
    }
  }
  if (evidence === 0) return undefined;
  const tally = fromSections.failing.size > 0 ? fromSections : fromTests;
  const counted = totals.seen ? totals : perClass.seen ? perClass : undefined;
  const counts = counted
    ? { passed: Math.max(0, counted.run - counted.failed - counted.skipped), failed: counted.failed }
    : undefined;
  return { evidence, result: tally.toResult('maven', counts) };
}

/** `crash(com.example.CartTest)` or `com.example.CartTest.crash` → `CartTest.crash`, as the Results list names it. */
function shortJavaName(test: string, className: string | undefined): string {
  if (className) return `${className.slice(className.lastIndexOf('.') + 1)}.${test}`;
  const method = test.lastIndexOf('.');
  if (method < 0) return test;
  const cls = test.lastIndexOf('.', method - 1);
  return test.slice(cls + 1);
}
