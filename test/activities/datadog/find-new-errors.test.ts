import { describe, expect, it } from 'vitest';
import { createDatadogActivities } from '../../../activities/datadog';
import { findNewErrors, type FindNewErrorsInput } from '../../../activities/datadog/find-new-errors';
import { fingerprintError } from '../../../workflows/domain/identity/fingerprint';
import { MAX_NEW_ERRORS } from '../../../workflows/domain/impact';
import type { DatadogFake } from '../../fakes/datadog-fake';
import { datadogFakePerTest } from '../../support/datadog-per-test';
import { errorLogEvent, type ProductionError } from '../../fakes/datadog-shapes';
import { sampleError, sampleErrorMessage, unrelatedError } from '../../fakes/scripted-fix';
import { failureOf } from '../../support/failure-of';

let fake: DatadogFake;
let service: string;
datadogFakePerTest('new-errors', (f, s) => {
  fake = f;
  service = s;
});

const MIN = 60_000;
const deployedAt = Date.parse('2024-05-01T10:00:00.000Z');
const at = (minutesFromDeploy: number) => new Date(deployedAt + minutesFromDeploy * MIN).toISOString();

/** What the deploy changed: the fix's file and one it touched on the way. */
const changedFiles = ['src/cart.ts', 'src/checkout/discount.ts'];

const discountError: Omit<ProductionError, 'service'> = {
  kind: 'RangeError',
  message: 'Discount 120% is out of range',
  stack: [
    'RangeError: Discount 120% is out of range',
    '    at applyDiscount (/app/src/checkout/discount.ts:31:11)',
    '    at checkout (/app/src/cart.ts:22:9)',
    '    at Server.<anonymous> (/app/src/server.ts:12:18)',
  ].join('\n'),
  url: 'https://shop.example/checkout',
  traceId: '5511',
};
const burstError: Omit<ProductionError, 'service'> = {
  kind: 'Error',
  message: 'Invoice renderer timed out after 3000 ms',
  stack: 'Error: Invoice renderer timed out after 3000 ms\n    at renderInvoice (/app/src/invoices/render.ts:88:13)',
};
const strayError: Omit<ProductionError, 'service'> = {
  kind: 'TypeError',
  message: "Cannot read properties of null (reading 'locale')",
  stack: "TypeError: Cannot read properties of null (reading 'locale')\n    at greet (/app/src/i18n/greet.ts:5:20)",
};

const log = (e: Omit<ProductionError, 'service'>, minutes: number) =>
  fake.addLog(errorLogEvent({ ...e, service, timestamp: at(minutes) }));

const find = (over: Partial<FindNewErrorsInput> = {}) =>
  findNewErrors(
    createDatadogActivities({ site: 'datadoghq.com', apiUrl: fake.url, apiKey: fake.apiKey, appKey: fake.appKey })
      .fetchErrorLogs,
    {
      service,
      deployedAt: at(0),
      to: at(30),
      lookbackMs: 60 * MIN,
      changedFiles,
      // The run's error as its webhook row started it: the log's message field, no stack.
      excludeFingerprint: fingerprintError({ service, message: sampleErrorMessage }).fingerprint,
      ...over,
    },
  );

describe('findNewErrors: the errors a deploy brought, from the Logs API fake', () => {
  it('keeps only fingerprints first seen after the deploy, attributed by changed files or a burst', async () => {
    // The run's own error, after the deploy too (the fix did not take everywhere): never a new error.
    log(sampleError, 3);
    // An error the service already had: seen in the lookback, so not new however often it recurs.
    log(unrelatedError, -40);
    for (let i = 0; i < 6; i++) log(unrelatedError, 2 + i);
    // New: runs through a changed file.
    log(discountError, 4);
    log(discountError, 9);
    // New: a burst in an untouched file.
    for (let i = 0; i < 7; i++) log(burstError, 1 + i);
    // New, once, elsewhere: neither.
    log(strayError, 20);
    // Long before the lookback: does not make the stray error old.
    log(strayError, -120);

    const report = await find();

    expect(report.newErrors.map((e) => [e.message, e.count, e.attributedBy])).toEqual([
      ['Invoice renderer timed out after 3000 ms', 7, ['rate-jump']],
      ['Discount 120% is out of range', 2, ['changed-files']],
      ["Cannot read properties of null (reading 'locale')", 1, []],
    ]);
    const discount = report.newErrors[1]!;
    expect(discount).toMatchObject({
      fingerprint: fingerprintError({ service, message: discountError.message }).fingerprint,
      errorType: 'RangeError',
      firstSeen: at(4),
      lastSeen: at(9),
      topFrame: 'src/checkout/discount.ts:applyDiscount',
      touchedFiles: ['src/cart.ts', 'src/checkout/discount.ts'],
      sample: { stack: discountError.stack, url: discountError.url, traceId: '5511' },
    });
    expect(report.newErrors[0]!.touchedFiles).toEqual([]);
    expect(report).toMatchObject({
      query: `service:${service} status:error`,
      omitted: 0,
      truncated: false,
      // After: 1 own + 6 old + 2 + 7 + 1; before: the old one (the stray one is outside the lookback).
      scanned: { after: 17, before: 1 },
    });
  });

  it('an error seen before the deploy under its error.message (APM) is not new under its log text either', async () => {
    log({ ...burstError }, -10);
    for (let i = 0; i < 6; i++) log({ ...burstError, logMessage: 'Invoice job failed' }, 1 + i);

    const report = await find();

    expect(report.newErrors).toEqual([]);
  });

  it('nothing new after the deploy: the logs before it are not searched at all', async () => {
    log(unrelatedError, -5);
    log(sampleError, 2);

    const report = await find();

    expect(report.newErrors).toEqual([]);
    expect(report.scanned).toEqual({ after: 1, before: 0 });
    expect(fake.requests).toHaveLength(1);
  });

  it('logs too big for one search are read in several, so an error seen late before the deploy still counts as old', async () => {
    // ~2.3 MB of events before the deploy: more than one search result may hold (1.5 MB).
    const frames = Array.from({ length: 300 }, (_, i) => `    at step${i} (/app/src/pipeline/step${i}.ts:${i}:1)`);
    const bulky = {
      kind: 'Error',
      message: 'Pipeline stalled',
      stack: ['Error: Pipeline stalled', ...frames].join('\n'),
    };
    for (let i = 0; i < 150; i++)
      fake.addLog(errorLogEvent({ ...bulky, service, timestamp: deployedAt - 50 * MIN + i * 10_000 }));
    log(strayError, -1);
    log(strayError, 5);

    const report = await find();

    expect(report.newErrors).toEqual([]);
    expect(report.scanned.before).toBe(151);
    expect(report.truncated).toBe(false);
    // The searches after the first one resume where the previous one stopped.
    const froms = fake.requests.map((r) => r.body?.filter?.from);
    expect(new Set(froms).size).toBeGreaterThan(2);
  });

  it('the burst threshold is the caller’s: minJump', async () => {
    for (let i = 0; i < 3; i++) log(burstError, 1 + i);
    expect((await find()).newErrors[0]!.attributedBy).toEqual([]);
    expect((await find({ minJump: 3 })).newErrors[0]!.attributedBy).toEqual(['rate-jump']);
  });

  it(`returns the ${MAX_NEW_ERRORS} biggest new errors and counts the rest`, async () => {
    for (let k = 0; k < MAX_NEW_ERRORS + 3; k++)
      for (let i = 0; i <= k; i++) log({ kind: 'Error', message: `Failure kind ${'abcdefghijklmnop'[k]}` }, 1 + i);

    const report = await find();

    expect(report.newErrors).toHaveLength(MAX_NEW_ERRORS);
    expect(report.omitted).toBe(3);
    expect(report.newErrors.map((e) => e.count)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
  });

  it('a window that ends before the deploy is a caller error: non-retryable DatadogBadRequest', async () => {
    const failure = await failureOf(find({ to: at(-1) }));
    expect(failure).toMatchObject({ type: 'DatadogBadRequest', nonRetryable: true });
    expect(fake.requests).toHaveLength(0);
  });
});
