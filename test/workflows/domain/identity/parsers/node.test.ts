import { describe, expect, it } from 'vitest';
import { parseStack } from '../../../../../workflows/domain/identity/parse-stack';
import { readStack } from '../read-stack';

describe('Node / TypeScript traces', () => {
  it('reads named, anonymous, async and built-in frames', () => {
    const parsed = parseStack(readStack('node-typeerror.txt'));
    expect(parsed.errorType).toBe('TypeError');
    expect(parsed.message).toBe("Cannot read properties of undefined (reading 'email')");
    expect(parsed.frames).toEqual([
      { function: 'formatRecipient', file: '/app/src/notifications/email.ts', line: 27, column: 31, inApp: true },
      { file: '/app/src/notifications/email.ts', line: 14, column: 22, inApp: true },
      { function: 'Array.map', file: '<anonymous>', inApp: false },
      { function: 'sendReceipts', file: '/app/src/notifications/email.ts', line: 13, column: 30, inApp: true },
      {
        function: 'OrdersController.complete',
        file: '/app/src/orders/controller.ts',
        line: 88,
        column: 5,
        inApp: true,
      },
      {
        function: 'Layer.handle',
        file: '/app/node_modules/express/lib/router/layer.js',
        line: 95,
        column: 5,
        inApp: false,
      },
      { function: 'Promise.all', file: 'index 0', inApp: false },
      {
        function: 'process.processTicksAndRejections',
        file: 'node:internal/process/task_queues',
        line: 95,
        column: 5,
        inApp: false,
      },
    ]);
  });

  it('reports the deepest [cause] of util.inspect output, then the frames of the errors wrapping it', () => {
    const parsed = parseStack(readStack('node-cause.txt'));
    expect(parsed.errorType).toBe('FetchError');
    expect(parsed.message).toMatch(/^request to https:\/\/api\.stripe\.example\/v1\/charges\?idempotency=ab12 failed/);
    expect(parsed.frames.map((f) => [f.file, f.inApp])).toEqual([
      ['/usr/src/app/node_modules/node-fetch/lib/index.js', false],
      ['node:events', false],
      ['node:_http_client', false],
      ['node:internal/streams/destroy', false],
      ['/usr/src/app/dist/payments/service.js', true], // file:// URLs become paths
      ['/usr/src/app/dist/queue/worker.js', true],
    ]);
  });

  it('reads Node system error codes and the source excerpt of an uncaught error', () => {
    const stack = [
      '/app/src/server.js:41',
      '    res.setHeader("x-id", id);',
      '        ^',
      '',
      'Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client',
      '    at ServerResponse.setHeader (node:_http_outgoing:655:11)',
      '    at respond (/app/src/server.js:41:9)',
      '    at eval (eval at compile (/app/src/templates.js:12:10), <anonymous>:3:1)',
    ].join('\n');
    const parsed = parseStack(stack);
    expect(parsed.errorType).toBe('Error [ERR_HTTP_HEADERS_SENT]');
    expect(parsed.message).toBe('Cannot set headers after they are sent to the client');
    expect(parsed.frames.map((f) => `${f.function}|${f.file}:${f.line}|${f.inApp}`)).toEqual([
      'ServerResponse.setHeader|node:_http_outgoing:655|false',
      'respond|/app/src/server.js:41|true',
      'eval|/app/src/templates.js:12|true', // where eval was called
    ]);
  });

  it('strips `[as alias]` and reads Windows paths', () => {
    const parsed = parseStack(
      'Error: nope\n    at Object.handler [as run] (C:\\srv\\api\\src\\job.ts:3:9)\n    at new Queue (C:\\srv\\api\\node_modules\\bull\\lib\\queue.js:1:1)',
    );
    expect(parsed.frames).toEqual([
      { function: 'Object.handler', file: 'C:\\srv\\api\\src\\job.ts', line: 3, column: 9, inApp: true },
      {
        function: 'new Queue',
        file: 'C:\\srv\\api\\node_modules\\bull\\lib\\queue.js',
        line: 1,
        column: 1,
        inApp: false,
      },
    ]);
  });
});
