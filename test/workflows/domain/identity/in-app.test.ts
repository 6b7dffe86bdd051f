import { describe, expect, it } from 'vitest';
import {
  goPackageOf,
  isDotnetInApp,
  isGoInApp,
  isJavaInApp,
  isNodeInApp,
  isPythonInApp,
  isRubyInApp,
} from '../../../../workflows/domain/identity/in-app';

describe('in-app rules', () => {
  it('Node: node_modules, node: built-ins and positionless frames are not the app', () => {
    expect(isNodeInApp('/app/src/x.ts')).toBe(true);
    expect(isNodeInApp('/app/node_modules/pg/lib/client.js')).toBe(false);
    expect(isNodeInApp('C:\\app\\node_modules\\pg\\lib\\client.js')).toBe(false);
    expect(isNodeInApp('node:internal/process/task_queues')).toBe(false);
    expect(isNodeInApp('internal/process/task_queues.js')).toBe(false);
    expect(isNodeInApp('<anonymous>')).toBe(false);
  });

  it('Python: site-packages, dist-packages and the standard library are not the app', () => {
    expect(isPythonInApp('/app/shop/views.py')).toBe(true);
    expect(isPythonInApp('/opt/venv/lib/python3.12/site-packages/flask/app.py')).toBe(false);
    expect(isPythonInApp('/usr/lib/python3/dist-packages/yaml/__init__.py')).toBe(false);
    expect(isPythonInApp('/usr/local/lib/python3.11/asyncio/events.py')).toBe(false);
    expect(isPythonInApp('C:\\Python312\\Lib\\json\\decoder.py')).toBe(false);
    expect(isPythonInApp('<frozen runpy>')).toBe(false);
  });

  it('JVM: JDK and framework namespaces and generated proxies are not the app', () => {
    expect(isJavaInApp('com.acme.Foo.bar', 'Foo.java')).toBe(true);
    for (const fn of [
      'java.util.ArrayList.forEach',
      'javax.servlet.Filter.x',
      'sun.nio.ch.Net.poll',
      'jdk.internal.misc.Unsafe.park',
      'org.springframework.web.X.y',
      'org.apache.catalina.X.y',
    ]) {
      expect(isJavaInApp(fn, 'X.java')).toBe(false);
    }
    expect(isJavaInApp('com.acme.Foo$$SpringCGLIB$$0.bar', '<generated>')).toBe(false);
    expect(isJavaInApp('jdk.proxy2.$Proxy142.save', '<unknown>')).toBe(false);
  });

  it('.NET: System.* and Microsoft.* are not the app', () => {
    expect(isDotnetInApp('Acme.Orders.Service.Run')).toBe(true);
    expect(isDotnetInApp('System.Linq.Enumerable.First')).toBe(false);
    expect(isDotnetInApp('Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke')).toBe(false);
  });

  it('Go: the standard library has no dot in its first path element; module caches hold dependencies', () => {
    expect(goPackageOf('github.com/acme/svc/internal/api.(*Server).handle')).toBe('github.com/acme/svc/internal/api');
    expect(goPackageOf('net/http.(*conn).serve')).toBe('net/http');
    expect(isGoInApp('github.com/acme/svc/internal/api.(*Server).handle', '/app/internal/api/server.go')).toBe(true);
    expect(isGoInApp('main.main', '/app/main.go')).toBe(true);
    expect(isGoInApp('net/http.(*conn).serve', '/usr/local/go/src/net/http/server.go')).toBe(false);
    expect(isGoInApp('runtime.gopanic', '/usr/local/go/src/runtime/panic.go')).toBe(false);
    expect(
      isGoInApp('github.com/go-chi/chi/v5.(*Mux).ServeHTTP', '/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go'),
    ).toBe(false);
    expect(isGoInApp('github.com/lib/pq.(*conn).query', '/app/vendor/github.com/lib/pq/conn.go')).toBe(false);
  });

  it('Ruby: gems and the standard library are not the app', () => {
    expect(isRubyInApp('/app/app/models/user.rb')).toBe(true);
    expect(isRubyInApp('app/models/user.rb')).toBe(true);
    expect(isRubyInApp('/usr/local/bundle/gems/rack-3.0.8/lib/rack/builder.rb')).toBe(false);
    expect(isRubyInApp('/usr/local/lib/ruby/3.3.0/net/http.rb')).toBe(false);
    expect(isRubyInApp('<internal:kernel>')).toBe(false);
  });
});
