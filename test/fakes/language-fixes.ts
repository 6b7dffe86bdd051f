import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { primaryWorkingDirectory, requestText, type FakeTurn, type RecordedRequest } from './anthropic-fake';

/**
 * Small offline applications in several languages (test/fixtures/apps), each with one production
 * bug, and scripted Claude sessions that fix them: Read the buggy file, Write a regression test
 * that fails with the production error, Edit the smallest fix, explain. node-payments-timeout is
 * the exception: its error depends on a live gateway, so its session writes no test.
 */

export interface AppFixture {
  /** Directory name under test/fixtures/apps and the Datadog service name. */
  service: string;
  language: 'node' | 'python' | 'go';
  /** Absolute path of the fixture tree. */
  dir: string;
  /** The command that runs the app's tests from its root, offline and without third-party packages. */
  testCommand: string;
  /** The production error as Datadog's Logs API reports it; the stack's paths name the app's real files. */
  error: { kind: string; message: string; stack: string };
  /** The regression test the script writes (path from the repo root) and its name as the runner prints it. */
  regressionTest?: { file: string; name: string };
  /** The file the fix edits. */
  fixedFile: string;
  /** Read, Write the regression test, Edit the fix, final text. */
  turns(): FakeTurn[];
  /** As turns(), with a Bash test run after writing the test and another after the fix. */
  turnsWithBash(): FakeTurn[];
  /** A wrong fix for retry tests: the regression test passes but an existing test breaks. */
  breakingTurns?(): FakeTurn[];
}

const APPS_DIR = fileURLToPath(new URL('../fixtures/apps', import.meta.url));

/** The app's file as an absolute path in the checkout the CLI runs in. */
const at = (req: RecordedRequest, file: string) => join(primaryWorkingDirectory(req), file);

function read(file: string, why: string): FakeTurn {
  return (req) => [
    { type: 'text', text: why },
    { type: 'tool_use', name: 'Read', input: { file_path: at(req, file) } },
  ];
}

function write(file: string, content: string): FakeTurn {
  return (req) => ({ type: 'tool_use', name: 'Write', input: { file_path: at(req, file), content } });
}

function edit(file: string, oldString: string, newString: string): FakeTurn {
  return (req) => ({
    type: 'tool_use',
    name: 'Edit',
    input: { file_path: at(req, file), old_string: oldString, new_string: newString },
  });
}

function bash(command: string, why: string): FakeTurn {
  return () => [
    { type: 'text', text: why },
    { type: 'tool_use', name: 'Bash', input: { command, description: 'Run the tests' } },
  ];
}

/** Read → Write test → Edit → text, optionally with a test run after the Write and after the Edit. */
function fixSession(
  s: {
    fixedFile: string;
    testFile: string;
    testContent: string;
    oldString: string;
    newString: string;
    explanation: string;
  },
  testCommand: string | undefined,
): FakeTurn[] {
  const runs = (why: string) => (testCommand ? [bash(testCommand, why)] : []);
  return [
    read(s.fixedFile, `The stack trace points at ${s.fixedFile}. Let me read it.`),
    write(s.testFile, s.testContent),
    ...runs('The new test should fail with the production error before the fix.'),
    edit(s.fixedFile, s.oldString, s.newString),
    ...runs('Now the whole suite, regression test included, should pass.'),
    () => s.explanation,
  ];
}

// --- node-orders: an order holding a product since deleted from the catalog ---------------------

export const ORDERS_BUGGY = '    const product = catalog.get(line.sku);\n    total += product.price * line.quantity;';
export const ORDERS_FIXED = [
  '    const product = catalog.get(line.sku);',
  '    // A product deleted from the catalog since the order was opened can no longer be sold: skip its line.',
  '    if (!product) continue;',
  '    total += product.price * line.quantity;',
].join('\n');

/** The wrong fix: a rewrite that no longer crashes but drops the coupon. */
export const ORDERS_BREAKING_OLD = [
  '  let total = 0;',
  '  for (const line of order.lines) {',
  '    const product = catalog.get(line.sku);',
  '    total += product.price * line.quantity;',
  '  }',
  '  return applyCoupon(total, order.coupon);',
].join('\n');
export const ORDERS_BREAKING_NEW =
  '  return order.lines.reduce((total, line) => total + (catalog.get(line.sku)?.price ?? 0) * line.quantity, 0);';

export const ORDERS_TEST_FILE = 'test/orders-regression.test.js';
export const ORDERS_TEST_NAME = 'orderTotal skips a line whose product was deleted from the catalog';
export const ORDERS_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderTotal } from '../src/orders.js';

// Production: "TypeError: Cannot read properties of undefined (reading 'price')" for an order
// holding a product that had been deleted from the catalog.
test('${ORDERS_TEST_NAME}', () => {
  const catalog = new Map([['sku-mug', { name: 'Mug', price: 1200 }]]);
  const order = {
    lines: [
      { sku: 'sku-mug', quantity: 2 },
      { sku: 'sku-cap', quantity: 1 },
    ],
    coupon: null,
  };
  assert.equal(orderTotal(order, catalog), 2400);
});
`;

const ORDERS_EXPLANATION = [
  '**Root cause**',
  '`orderTotal` in `src/orders.js:8` reads `product.price` for every line of the order, but an open order can',
  'outlive its products: once a product is deleted from the catalog, `catalog.get(line.sku)` returns `undefined`',
  "and `GET /orders/:id/total` throws `TypeError: Cannot read properties of undefined (reading 'price')`.",
  '',
  '**Fix**',
  'Skip the lines whose product is no longer in the catalog, so the order is priced from what can still be sold.',
  `The new test \`${ORDERS_TEST_FILE}\` failed with the production TypeError before the fix and passes now;`,
  'the existing tests still pass.',
  '',
  '**Risk**',
  'Low: only orders holding a deleted product take the new path, and those crashed before. Their total now',
  'leaves the deleted product out, which is what checkout can charge for.',
].join('\n');

const ORDERS_BREAKING_EXPLANATION = [
  '**Root cause**',
  '`orderTotal` in `src/orders.js` reads `price` of a product that was deleted from the catalog.',
  '',
  '**Fix**',
  'Rewrote the total as a `reduce` that prices a missing product at 0.',
  '',
  '**Risk**',
  'Low.',
].join('\n');

const ordersSession = {
  fixedFile: 'src/orders.js',
  testFile: ORDERS_TEST_FILE,
  testContent: ORDERS_TEST,
  oldString: ORDERS_BUGGY,
  newString: ORDERS_FIXED,
  explanation: ORDERS_EXPLANATION,
};

export const nodeOrders: AppFixture = {
  service: 'node-orders',
  language: 'node',
  dir: join(APPS_DIR, 'node-orders'),
  testCommand: 'node --test',
  error: {
    kind: 'TypeError',
    message: "Cannot read properties of undefined (reading 'price')",
    // Node 20's uncaught exception from `GET /orders/ord-1001/total`, captured from the app and moved to /app.
    stack: [
      "TypeError: Cannot read properties of undefined (reading 'price')",
      '    at orderTotal (file:///app/src/orders.js:8:22)',
      '    at Server.<anonymous> (file:///app/src/server.js:18:17)',
      '    at Server.emit (node:events:524:28)',
      '    at parserOnIncoming (node:_http_server:1139:12)',
      '    at HTTPParser.parserOnHeadersComplete (node:_http_common:118:17)',
    ].join('\n'),
  },
  regressionTest: { file: ORDERS_TEST_FILE, name: ORDERS_TEST_NAME },
  fixedFile: 'src/orders.js',
  turns: () => fixSession(ordersSession, undefined),
  turnsWithBash: () => fixSession(ordersSession, 'node --test'),
  breakingTurns: () =>
    fixSession(
      {
        ...ordersSession,
        oldString: ORDERS_BREAKING_OLD,
        newString: ORDERS_BREAKING_NEW,
        explanation: ORDERS_BREAKING_EXPLANATION,
      },
      undefined,
    ),
};

// --- python-billing: an account credit on a free-plan invoice -------------------------------------

export const INVOICE_BUGGY = [
  '    total = subtotal(invoice)',
  '    return [round(invoice.credit_cents * line.amount_cents / total) for line in invoice.lines]',
].join('\n');
export const INVOICE_FIXED = [
  '    total = subtotal(invoice)',
  '    if total == 0:',
  '        # A zero invoice (free plan, full discount) has no amounts to weigh the credit by: it carries over.',
  '        return [0 for _ in invoice.lines]',
  '    return [round(invoice.credit_cents * line.amount_cents / total) for line in invoice.lines]',
].join('\n');

export const INVOICE_TEST_FILE = 'tests/test_invoice_regression.py';
export const INVOICE_TEST_NAME = 'test_credit_on_zero_invoice';
export const INVOICE_TEST = `import unittest

from billing.invoice import Invoice, Line, allocate_credit, amount_due


class ZeroInvoiceTest(unittest.TestCase):
    # Production: "ZeroDivisionError: division by zero" rendering a free-plan invoice with an account credit.
    def ${INVOICE_TEST_NAME}(self):
        invoice = Invoice("INV-1002", [Line("Free plan", 1, 0)], credit_cents=500)
        self.assertEqual(allocate_credit(invoice), [0])
        self.assertEqual(amount_due(invoice), 0)
`;

const INVOICE_EXPLANATION = [
  '**Root cause**',
  "`allocate_credit` in `billing/invoice.py:31` splits the account credit by each line's share of the subtotal,",
  'dividing by the subtotal. A free-plan invoice (every line 0 cents) that carries a credit has a subtotal of 0,',
  'so rendering it raised `ZeroDivisionError: division by zero`.',
  '',
  '**Fix**',
  'When the subtotal is 0, every line gets a 0 share and the credit carries over to the next invoice.',
  `\`${INVOICE_TEST_FILE}\` (\`${INVOICE_TEST_NAME}\`) raised the production ZeroDivisionError before the fix`,
  'and passes now; the existing tests still pass.',
  '',
  '**Risk**',
  'Low: only invoices with a zero subtotal take the new path, and those failed before. Amounts due are unchanged.',
].join('\n');

const invoiceSession = {
  fixedFile: 'billing/invoice.py',
  testFile: INVOICE_TEST_FILE,
  testContent: INVOICE_TEST,
  oldString: INVOICE_BUGGY,
  newString: INVOICE_FIXED,
  explanation: INVOICE_EXPLANATION,
};

export const pythonBilling: AppFixture = {
  service: 'python-billing',
  language: 'python',
  dir: join(APPS_DIR, 'python-billing'),
  testCommand: 'python3 -m unittest discover -v',
  error: {
    kind: 'ZeroDivisionError',
    message: 'division by zero',
    // Python 3.11's traceback as wsgiref logs it for `GET /invoices/INV-1002`, captured and moved to /srv/app.
    stack: [
      'Traceback (most recent call last):',
      '  File "/usr/local/lib/python3.11/wsgiref/handlers.py", line 137, in run',
      '    self.result = application(self.environ, self.start_response)',
      '                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      '  File "/srv/app/billing/app.py", line 19, in application',
      '    credits = allocate_credit(invoice)',
      '              ^^^^^^^^^^^^^^^^^^^^^^^^',
      '  File "/srv/app/billing/invoice.py", line 31, in allocate_credit',
      '    return [round(invoice.credit_cents * line.amount_cents / total) for line in invoice.lines]',
      '           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      '  File "/srv/app/billing/invoice.py", line 31, in <listcomp>',
      '    return [round(invoice.credit_cents * line.amount_cents / total) for line in invoice.lines]',
      '                  ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~^~~~~~~',
      'ZeroDivisionError: division by zero',
    ].join('\n'),
  },
  regressionTest: { file: INVOICE_TEST_FILE, name: INVOICE_TEST_NAME },
  fixedFile: 'billing/invoice.py',
  turns: () => fixSession(invoiceSession, undefined),
  turnsWithBash: () => fixSession(invoiceSession, 'python3 -m unittest discover -v'),
};

// --- go-inventory: an order for a SKU the warehouse does not stock --------------------------------

export const STOCK_BUGGY = '\titem := s.items[sku]\n\treturn item.OnHand - item.Reserved';
export const STOCK_FIXED = [
  '\titem := s.items[sku]',
  '\tif item == nil {',
  '\t\t// A SKU this warehouse does not stock (or no longer stocks) has nothing to reserve.',
  '\t\treturn 0',
  '\t}',
  '\treturn item.OnHand - item.Reserved',
].join('\n');

export const STOCK_TEST_FILE = 'inventory/stock_regression_test.go';
export const STOCK_TEST_NAME = 'TestReserveUnknownSKU';
export const STOCK_TEST = `package inventory

import (
	"errors"
	"testing"
)

// Production: "panic: runtime error: invalid memory address or nil pointer dereference" for an
// order naming a SKU the warehouse does not stock.
func ${STOCK_TEST_NAME}(t *testing.T) {
	// Report a panic as this test's failure, so it does not abort the package's other tests.
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Reserve(sku-cap) panicked: %v", r)
		}
	}()
	s := NewStock(Item{SKU: "sku-mug", OnHand: 10})
	if err := s.Reserve("sku-cap", 1); !errors.Is(err, ErrInsufficientStock) {
		t.Fatalf("Reserve(sku-cap) = %v, want ErrInsufficientStock", err)
	}
}
`;

const STOCK_EXPLANATION = [
  '**Root cause**',
  '`(*Stock).Available` in `inventory/stock.go:37` dereferences the map entry for the SKU. For a SKU the warehouse',
  'does not stock the entry is `nil`, so `Reserve` panicked with',
  '`runtime error: invalid memory address or nil pointer dereference` and took the order consumer down.',
  '',
  '**Fix**',
  'An unknown SKU has 0 units available, so `Reserve` rejects the order with `ErrInsufficientStock` instead of',
  `panicking. \`${STOCK_TEST_NAME}\` in \`${STOCK_TEST_FILE}\` failed with the production panic before the fix`,
  'and passes now; the existing tests still pass.',
  '',
  '**Risk**',
  'Low: only unknown SKUs take the new path, and those crashed the consumer before. `Reserve` still indexes the map',
  'after the check, which is safe for any positive quantity.',
].join('\n');

const stockSession = {
  fixedFile: 'inventory/stock.go',
  testFile: STOCK_TEST_FILE,
  testContent: STOCK_TEST,
  oldString: STOCK_BUGGY,
  newString: STOCK_FIXED,
  explanation: STOCK_EXPLANATION,
};

export const goInventory: AppFixture = {
  service: 'go-inventory',
  language: 'go',
  dir: join(APPS_DIR, 'go-inventory'),
  testCommand: 'go test -v ./...',
  error: {
    // The panic value's type, as `%T` prints it.
    kind: 'runtime.errorString',
    message: 'runtime error: invalid memory address or nil pointer dereference',
    // The crash of the binary built in /srv/app, fed "sku-cap 1".
    stack: [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x4b4908]',
      '',
      'goroutine 1 [running]:',
      'example.com/inventory/inventory.(*Stock).Available(...)',
      '\t/srv/app/inventory/stock.go:37',
      'example.com/inventory/inventory.(*Stock).Reserve(0xc000012090, {0xc000014159, 0x7}, 0x1)',
      '\t/srv/app/inventory/stock.go:42 +0x48',
      'main.main()',
      '\t/srv/app/main.go:27 +0x47d',
    ].join('\n'),
  },
  regressionTest: { file: STOCK_TEST_FILE, name: STOCK_TEST_NAME },
  fixedFile: 'inventory/stock.go',
  turns: () => fixSession(stockSession, undefined),
  turnsWithBash: () => fixSession(stockSession, 'go test -v ./...'),
};

// --- node-payments-timeout: the gateway is slow to accept connections under load ---------------

export const GATEWAY_BUGGY = 'export const CONNECT_TIMEOUT_MS = 1500;';
export const GATEWAY_FIXED = 'export const CONNECT_TIMEOUT_MS = 5000;';

const GATEWAY_EXPLANATION = [
  '**Root cause**',
  '`chargeCard` in `src/gateway.js` gives up when the card gateway has not accepted the TCP connection within',
  '`CONNECT_TIMEOUT_MS` (1.5 s) and fails the charge with `Error: connect ETIMEDOUT 10.20.0.5:443`. The errors come',
  'under load, which points at a gateway slow to accept connections rather than one that is down; 1.5 s leaves',
  'no margin for that.',
  '',
  '**Fix**',
  'Raised `CONNECT_TIMEOUT_MS` to 5 s. The error could not be reproduced by a test offline: it depends on the',
  "live gateway's latency under load, which no local test can provoke, so no regression test was written.",
  'The existing tests still pass.',
  '',
  '**Risk**',
  'Medium: when the gateway is really down, a charge now takes up to 5 s to fail instead of 1.5 s. Charges carry',
  'an idempotency key per order, so a client retry after a timeout cannot charge twice.',
].join('\n');

export const nodePaymentsTimeout: AppFixture = {
  service: 'node-payments-timeout',
  language: 'node',
  dir: join(APPS_DIR, 'node-payments-timeout'),
  testCommand: 'node --test',
  error: {
    kind: 'Error',
    message: 'connect ETIMEDOUT 10.20.0.5:443',
    // Node 20's stack of the app's own connect timeout, captured against a black-holed port and moved to /app.
    stack: [
      'Error: connect ETIMEDOUT 10.20.0.5:443',
      '    at connectTimeout (file:///app/src/gateway.js:40:15)',
      '    at Timeout._onTimeout (file:///app/src/gateway.js:32:48)',
      '    at listOnTimeout (node:internal/timers:581:17)',
      '    at process.processTimers (node:internal/timers:519:7)',
    ].join('\n'),
  },
  fixedFile: 'src/gateway.js',
  turns: () => [
    read('src/gateway.js', 'The stack trace points at the connect timeout in src/gateway.js. Let me read it.'),
    edit('src/gateway.js', GATEWAY_BUGGY, GATEWAY_FIXED),
    () => GATEWAY_EXPLANATION,
  ],
  turnsWithBash: () => [
    read('src/gateway.js', 'The stack trace points at the connect timeout in src/gateway.js. Let me read it.'),
    bash('node --test', 'The existing tests run offline; none of them talks to the gateway.'),
    edit('src/gateway.js', GATEWAY_BUGGY, GATEWAY_FIXED),
    bash('node --test', 'The existing tests should still pass with the longer timeout.'),
    () => GATEWAY_EXPLANATION,
  ],
};

export const APP_FIXTURES: AppFixture[] = [nodeOrders, pythonBilling, goInventory, nodePaymentsTimeout];

/** A session that first breaks another test, then, told so by the pipeline's tests, gets it right. */
export function breakThenFixTurns(app: AppFixture): FakeTurn[] {
  const wrong = app.breakingTurns!();
  const right = app.turns();
  const retried = (req: RecordedRequest) => requestText(req.body).includes('previous attempt was sent back');
  return Array.from({ length: Math.max(wrong.length, right.length) }, (_, i): FakeTurn => {
    return (req) => {
      const turn = (retried(req) ? right : wrong)[i];
      if (!turn || turn === 'hang') return 'Done.';
      return turn(req);
    };
  });
}
