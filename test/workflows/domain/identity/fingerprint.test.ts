import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintError, workflowIdFor } from '../../../../workflows/domain/identity/fingerprint';
import { compareIdentity } from '../../../../workflows/domain/identity/compare-identity';
import { ALL_STACKS, readStack, replaceAll, shiftLineNumbers } from './read-stack';

const fp = (stack: string, service = 'shop-api', errorType?: string) =>
  fingerprintError({ service, message: '', stack, ...(errorType ? { errorType } : {}) }).fingerprint;

describe('fingerprintError: what stays the same', () => {
  it.each(ALL_STACKS)('%s keeps its fingerprint when a redeploy shifts every line number', (file) => {
    const stack = readStack(file);
    expect(fp(shiftLineNumbers(stack, 7))).toBe(fp(stack));
  });

  it.each([
    ['node-typeerror.txt', '/app/', '/usr/src/app/'],
    ['node-cause.txt', 'file:///usr/src/app/', '/home/deploy/'],
    ['python-django.txt', '/app/', '/home/ubuntu/'],
    ['go-nil-pointer.txt', '/app/', '/home/runner/work/inventory/inventory/'],
    ['go-custom-panic.txt', '/home/deploy/', '/home/ci/'],
    ['dotnet-inner.txt', 'C:\\agent\\_work\\1\\s\\', 'D:\\a\\1\\s\\'],
    ['ruby-nomethod.txt', '/app/app/', '/srv/app/app/'],
    ['ruby-rails.txt', 'activesupport-7.0.8', 'activesupport-7.1.2'],
  ])('%s keeps its fingerprint when %s becomes %s', (file, from, to) => {
    const stack = readStack(file);
    const moved = replaceAll(stack, from, to);
    expect(moved).not.toBe(stack);
    expect(fp(moved)).toBe(fp(stack));
  });

  it.each([
    [
      'dotnet-async.txt',
      [
        ['7f3c2a91-4b5e-4d2f-9a8b-1c2d3e4f5a6b', '00c4e1d2-9a8b-4c3d-8e7f-a1b2c3d4e5f6'],
        ['48213', '7'],
      ],
    ],
    ['java-caused-by.txt', [['(91844, 5521, null, 3)', '(91900, 17, null, 12)']]],
    ['python-chained.txt', [['line 1 column 1 (char 0)', 'line 3 column 18 (char 40)']]],
    [
      'node-cause.txt',
      [
        ['ord_82731', 'ord_90412'],
        ['10.20.0.14', '10.20.3.201'],
        ['idempotency=ab12', 'idempotency=ffe9'],
      ],
    ],
    [
      'go-custom-panic.txt',
      [
        ['4471', '98'],
        ['-125.50', '-3.00'],
      ],
    ],
    ['ruby-rails.txt', [["'id'=90871", "'id'=12"]]],
  ] as const)('%s keeps its fingerprint when the ids and numbers in the message change', (file, replacements) => {
    const stack = readStack(file);
    const other = replacements.reduce<string>((text, [from, to]) => replaceAll(text, from, to), stack);
    expect(other).not.toBe(stack);
    expect(fp(other)).toBe(fp(stack));
  });

  it('ignores dependency frames and in-app frames below the top three', () => {
    const stack = readStack('node-typeerror.txt');
    expect(fp(replaceAll(stack, 'Layer.handle [as handle_request]', 'Layer.handleAsync'))).toBe(fp(stack));
    expect(fp(replaceAll(stack, 'OrdersController.complete', 'OrdersController.finish'))).toBe(fp(stack));
  });

  it('gives the same identity whether or not the logger repeats the type in the message', () => {
    const a = fingerprintError({
      service: 'shop-api',
      errorType: 'TypeError',
      message: "TypeError: Cannot read properties of undefined (reading 'id')",
    });
    const b = fingerprintError({
      service: 'shop-api',
      errorType: 'TypeError',
      message: "Cannot read properties of undefined (reading 'id')",
    });
    expect(a).toEqual(b);
  });
});

describe('fingerprintError: what tells errors apart', () => {
  const stack = readStack('node-typeerror.txt');

  it('differs for another service or message; the same message thrown elsewhere or typed otherwise is told apart by compareIdentity', () => {
    expect(fp(stack, 'billing-api')).not.toBe(fp(stack));
    const run = fingerprintError({ service: 'shop-api', message: '', stack });
    const elsewhere = fingerprintError({
      service: 'shop-api',
      message: '',
      stack: replaceAll(stack, 'formatRecipient', 'formatSender'),
    });
    const otherFile = fingerprintError({
      service: 'shop-api',
      message: '',
      stack: replaceAll(stack, '/app/src/notifications/email.ts:27', '/app/src/notifications/sms.ts:27'),
    });
    const otherType = fingerprintError({
      service: 'shop-api',
      message: '',
      stack: replaceAll(stack, 'TypeError:', 'RangeError:'),
    });
    // One webhook row carries no stack and no type: the fingerprint cannot use them, or one error would get two runs.
    expect(new Set([run, elsewhere, otherFile, otherType].map((i) => i.fingerprint)).size).toBe(1);
    expect(compareIdentity(run, elsewhere)).toBe('other-frames');
    expect(compareIdentity(run, otherFile)).toBe('other-frames');
    expect(compareIdentity(run, otherType)).toBe('other-error-type');
    expect(
      compareIdentity(
        run,
        fingerprintError({ service: 'shop-api', message: "Cannot read properties of undefined (reading 'email')" }),
      ),
    ).toBeUndefined();
  });

  it('differs for another message in the same place', () => {
    expect(fp(replaceAll(stack, "(reading 'email')", "(reading 'name')"))).not.toBe(fp(stack));
  });
});

describe('fingerprintError: the identity', () => {
  it("reports the trace's own headline (not its root cause), top in-app frames and language; the fingerprint is service and message", () => {
    const identity = fingerprintError({ service: 'billing', message: '', stack: readStack('java-caused-by.txt') });
    expect(identity).toMatchObject({
      service: 'billing',
      errorType: 'jakarta.servlet.ServletException',
      language: 'java',
      topFrames: [
        'OrderService.java:com.acme.shop.orders.OrderService.addLine',
        'OrderController.java:com.acme.shop.orders.OrderController.addLine',
      ],
    });
    expect(identity.normalizedMessage).toMatch(
      /^Request processing failed: org\.springframework\.dao\.DataIntegrityViolationException: could not execute statement/,
    );
    const parts = ['billing', identity.normalizedMessage];
    expect(identity.fingerprint).toBe(createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 16));
  });

  it('takes the error type from the input, else the stack, else a `Type: message` prefix, else Error', () => {
    const stack = readStack('python-django.txt');
    expect(
      fingerprintError({ service: 's', errorType: 'builtins.AttributeError', message: 'x', stack }).errorType,
    ).toBe('builtins.AttributeError');
    expect(fingerprintError({ service: 's', message: 'x', stack }).errorType).toBe('AttributeError');
    expect(fingerprintError({ service: 's', message: 'ActiveRecord::RecordInvalid: Validation failed' })).toMatchObject(
      {
        errorType: 'ActiveRecord::RecordInvalid',
        normalizedMessage: 'Validation failed',
      },
    );
    expect(fingerprintError({ service: 's', message: 'StopIteration: generator exhausted' }).errorType).toBe(
      'StopIteration',
    );
    expect(fingerprintError({ service: 's', message: 'Connection reset: peer closed' }).errorType).toBe('Error');
  });

  it('fingerprints messages without a stack by service, type and normalised message', () => {
    const a = fingerprintError({
      service: 'orders',
      message: 'PaymentDeclinedException: card 4242 declined for order 991',
    });
    const b = fingerprintError({
      service: 'orders',
      message: 'PaymentDeclinedException: card 1881 declined for order 17',
    });
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      errorType: 'PaymentDeclinedException',
      normalizedMessage: 'card <num> declined for order <num>',
      topFrames: [],
      language: 'unknown',
    });
    expect(fingerprintError({ service: 'orders', message: 'card 4242 refunded twice' }).fingerprint).not.toBe(
      a.fingerprint,
    );
  });

  it("takes the stack's message when the input has none", () => {
    const identity = fingerprintError({ service: 's', message: '', stack: readStack('ruby-nomethod.txt') });
    expect(identity.normalizedMessage).toBe("undefined method 'email' for nil");
  });

  it('falls back on library frames when no frame is in-app, and collapses recursion', () => {
    const libraryOnly =
      'Error: socket hang up\n    at connResetException (node:internal/errors:720:14)\n    at TLSSocket.socketOnEnd (node:_http_client:525:23)';
    expect(fingerprintError({ service: 's', message: '', stack: libraryOnly }).topFrames).toEqual([
      'node:internal/errors:connResetException',
      'node:_http_client:TLSSocket.socketOnEnd',
    ]);
    const recursion =
      'RangeError: Maximum call stack size exceeded\n' +
      '    at walk (/app/src/tree.js:4:3)\n'.repeat(5) +
      '    at main (/app/src/index.js:1:1)';
    expect(fingerprintError({ service: 's', message: '', stack: recursion }).topFrames).toEqual([
      'src/tree.js:walk',
      'src/index.js:main',
    ]);
  });
});

describe('workflowIdFor', () => {
  const identity = fingerprintError({ service: 'Shop API (EU)', message: 'boom' });

  it('derives bugfix-<service-slug>-<fingerprint>', () => {
    expect(workflowIdFor(identity)).toBe(`bugfix-shop-api-eu-${identity.fingerprint}`);
    expect(workflowIdFor(identity)).toMatch(/^bugfix-[a-z0-9-]+-[0-9a-f]{16}$/);
  });

  it('bounds the slug to 40 characters and never leaves it empty', () => {
    const long = workflowIdFor({ ...identity, service: 'a-very-long-service-name-that-keeps-going-and-going' });
    expect(long).toBe(`bugfix-a-very-long-service-name-that-keeps-goin-${identity.fingerprint}`);
    expect(long.split('-').slice(1, -1).join('-').length).toBeLessThanOrEqual(40);
    expect(workflowIdFor({ ...identity, service: '___' })).toBe(`bugfix-unknown-${identity.fingerprint}`);
  });
});

describe('fingerprintError: values that become search attributes are bounded', () => {
  it('cuts a service or an error type longer than 200 characters', () => {
    const identity = fingerprintError({ service: 's'.repeat(5000), errorType: 'E'.repeat(5000), message: 'boom' });
    expect(identity.service).toHaveLength(200);
    expect(identity.errorType).toHaveLength(200);
  });
});
