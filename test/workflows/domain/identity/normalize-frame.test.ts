import { describe, expect, it } from 'vitest';
import { frameKey, normalizeFile, normalizeFunction } from '../../../../workflows/domain/identity/normalize-frame';

describe('normalizeFile', () => {
  it.each([
    ['/app/src/users/service.ts', 'src/users/service.ts'],
    ['/usr/src/app/src/users/service.ts', 'src/users/service.ts'],
    ['/home/alice/src/users/service.ts', 'src/users/service.ts'],
    ['file:///var/task/src/users/service.ts', 'src/users/service.ts'],
    ['webpack://shop/./src/users/service.ts', 'src/users/service.ts'],
    ['C:\\Users\\bob\\src\\Shop\\Cart.cs', 'src/Shop/Cart.cs'],
    ['C:\\agent\\_work\\3\\s\\src\\Shop\\Cart.cs', 'src/Shop/Cart.cs'],
    ['D:\\a\\1\\s\\src\\Shop\\Cart.cs', 'src/Shop/Cart.cs'],
    ['/home/runner/work/shop/shop/src/Shop/Cart.cs', 'src/Shop/Cart.cs'],
    ['/src/Shop/Cart.cs', 'src/Shop/Cart.cs'],
    ['/app/dist/main.3f2a1b9c.js', 'dist/main.js'],
    ['/app/dist/assets/index-B3x9dK2f.js', 'dist/assets/index.js'],
    ['/app/dist/user-settings.js', 'dist/user-settings.js'],
    ['/srv/releases/20240501120000/app/models/user.rb', 'srv/releases/<hex>/app/models/user.rb'],
    ['/tmp/build_8f2b1c3d/app/models/user.rb', 'app/models/user.rb'],
    ['/app/node_modules/.pnpm/express@4.18.2/node_modules/express/lib/router/index.js', 'express/lib/router/index.js'],
    ['/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py', 'django/core/handlers/base.py'],
    ['/usr/lib/python3.11/json/decoder.py', 'json/decoder.py'],
    ['/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go', 'github.com/go-chi/chi/v5/mux.go'],
    ['/usr/local/go/src/net/http/server.go', 'net/http/server.go'],
    [
      '/usr/local/bundle/gems/actionpack-7.1.3/lib/action_controller/metal.rb',
      'actionpack/lib/action_controller/metal.rb',
    ],
    ['/usr/local/lib/ruby/3.2.0/monitor.rb', 'monitor.rb'],
    ['OrderService.java', 'OrderService.java'],
    ['<anonymous>', '<anonymous>'],
    ['node:internal/process/task_queues', 'node:internal/process/task_queues'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeFile(input)).toBe(expected);
  });
});

describe('normalizeFunction', () => {
  it('drops compiler-generated numbering that shifts when unrelated code changes', () => {
    expect(normalizeFunction('com.acme.Job.lambda$run$3')).toBe(normalizeFunction('com.acme.Job.lambda$run$0'));
    expect(normalizeFunction('com.acme.Repo$$EnhancerBySpringCGLIB$$1a2b3c4d.save')).toBe('com.acme.Repo$$.save');
    expect(normalizeFunction('main.(*Handler).Routes.func3.1')).toBe('main.(*Handler).Routes.func');
    expect(normalizeFunction('Acme.Svc.<>c__DisplayClass5_0.<Run>b__3_1')).toBe('Acme.Svc.<>c__DisplayClass.<Run>b__');
    expect(normalizeFunction('handlers.__init__')).toBe('handlers.__init__');
    expect(normalizeFunction('block (3 levels) in perform')).toBe('block in perform');
    expect(normalizeFunction(undefined)).toBe('?');
    expect(normalizeFunction('parseV2')).toBe('parseV2');
  });

  it('builds `file:function` keys without line numbers', () => {
    expect(frameKey({ function: 'handle', file: '/app/src/x.ts', line: 10, column: 2, inApp: true })).toBe(
      'src/x.ts:handle',
    );
  });
});
