import { describe, expect, it } from 'vitest';
import { parseStack } from '../../../../../workflows/domain/identity/parse-stack';
import { readStack } from '../read-stack';

describe('Go panics', () => {
  it('reads the panicking goroutine only: function lines, file lines and `created by`', () => {
    const parsed = parseStack(readStack('go-nil-pointer.txt'));
    expect(parsed.errorType).toBe('panic');
    expect(parsed.message).toBe('runtime error: invalid memory address or nil pointer dereference');
    expect(parsed.frames.map((f) => `${f.function} ${f.file}:${f.line} ${f.inApp}`)).toEqual([
      'github.com/acme/inventory/internal/stock.(*Service).Reserve /app/internal/stock/service.go:112 true',
      'github.com/acme/inventory/internal/httpapi.(*Handler).reserve /app/internal/httpapi/handlers.go:64 true',
      'github.com/acme/inventory/internal/httpapi.(*Handler).Routes.func3 /app/internal/httpapi/routes.go:31 true',
      'net/http.HandlerFunc.ServeHTTP /usr/local/go/src/net/http/server.go:2166 false',
      'github.com/go-chi/chi/v5.(*Mux).routeHTTP /go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go:459 false',
      'net/http.(*conn).serve /usr/local/go/src/net/http/server.go:2092 false',
      'net/http.(*Server).Serve /usr/local/go/src/net/http/server.go:3237 false',
    ]);
    // `goroutine 1 [IO wait]` is another goroutine.
    expect(parsed.frames.some((f) => f.function?.includes('runtime_pollWait'))).toBe(false);
  });

  it('takes the first of nested panics and treats package main as the app and runtime as not', () => {
    const parsed = parseStack(readStack('go-custom-panic.txt'));
    expect(parsed.message).toBe('ledger: balance for account 4471 went negative (-125.50)');
    expect(parsed.frames.map((f) => [f.function, f.inApp])).toEqual([
      ['main.(*worker).settle.func1', true],
      ['panic', false],
      ['main.(*worker).apply', true],
      ['main.(*worker).settle', true],
      ['main.main', true],
    ]);
  });

  it('reads a debug.Stack() dump without a panic line, and fatal errors', () => {
    const dump =
      'goroutine 7 [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\nexample.com/svc/jobs.Run()\n\t/src/jobs/run.go:14 +0x1a\n';
    const parsed = parseStack(dump);
    expect(parsed).toEqual({
      language: 'go',
      frames: [
        { function: 'runtime/debug.Stack', file: '/usr/local/go/src/runtime/debug/stack.go', line: 26, inApp: false },
        { function: 'example.com/svc/jobs.Run', file: '/src/jobs/run.go', line: 14, inApp: true },
      ],
    });
    const fatal = parseStack(
      'fatal error: concurrent map writes\n\ngoroutine 9 [running]:\nexample.com/svc/cache.(*Cache).Put(...)\n\t/src/cache/cache.go:40\n',
    );
    expect(fatal.errorType).toBe('fatal error');
    expect(fatal.message).toBe('concurrent map writes');
    expect(fatal.frames[0]).toMatchObject({ function: 'example.com/svc/cache.(*Cache).Put', line: 40, inApp: true });
  });

  it("reads a tracer's frame list that has no goroutine header", () => {
    const stack =
      'github.com/acme/svc/orders.(*Repo).Find\n\t/app/orders/repo.go:31\nruntime.goexit\n\t/usr/local/go/src/runtime/asm_amd64.s:1700\n';
    expect(parseStack(stack).frames).toEqual([
      { function: 'github.com/acme/svc/orders.(*Repo).Find', file: '/app/orders/repo.go', line: 31, inApp: true },
      { function: 'runtime.goexit', file: '/usr/local/go/src/runtime/asm_amd64.s', line: 1700, inApp: false },
    ]);
  });
});
