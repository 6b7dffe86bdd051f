import { describe, expect, it } from 'vitest';
import { parseStack } from '../../../../../workflows/domain/identity/parse-stack';
import { readStack } from '../read-stack';

describe('JVM traces', () => {
  it('reports the root cause, completing its frames from the `... N more` the enclosing traces elided', () => {
    const parsed = parseStack(readStack('java-caused-by.txt'));
    expect(parsed.errorType).toBe('org.postgresql.util.PSQLException');
    expect(parsed.message).toBe(
      'ERROR: null value in column "sku" of relation "order_lines" violates not-null constraint\nDetail: Failing row contains (91844, 5521, null, 3).',
    );
    const functions = parsed.frames.map((f) => f.function);
    expect(functions.slice(0, 5)).toEqual([
      'org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse',
      'org.postgresql.jdbc.PgPreparedStatement.executeUpdate',
      'com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate',
      'org.hibernate.engine.jdbc.internal.ResultSetReturnImpl.executeUpdate',
      // From here on: the 11 frames shared with the DataIntegrityViolationException,
      // which itself shares its last 6 with the ServletException.
      'com.acme.shop.orders.OrderRepository$$SpringCGLIB$$0.save',
    ]);
    expect(parsed.frames).toHaveLength(4 + 11);
    expect(functions[functions.length - 1]).toBe('java.lang.Thread.run');
    // `Suppressed:` blocks belong to another exception.
    expect(functions).not.toContain('com.acme.shop.persistence.TxTemplate.close');
  });

  it('marks JDK, Spring, Apache, Hibernate and generated proxy frames as not in-app', () => {
    const frames = parseStack(readStack('java-caused-by.txt')).frames;
    expect(frames.filter((f) => f.inApp).map((f) => f.function)).toEqual([
      'com.acme.shop.orders.OrderService.addLine',
      'com.acme.shop.orders.OrderController.addLine',
    ]);
    expect(frames.find((f) => f.function?.includes('SpringCGLIB'))).toMatchObject({
      file: '<generated>',
      inApp: false,
    });
  });

  it('reads `Exception in thread`, module prefixes, Kotlin files, unknown sources and native methods', () => {
    const parsed = parseStack(readStack('java-npe.txt'));
    expect(parsed.errorType).toBe('java.lang.NullPointerException');
    expect(parsed.message).toBe('Cannot invoke "com.acme.billing.Customer.getEmail()" because "customer" is null');
    expect(parsed.frames).toEqual([
      { function: 'com.acme.billing.ReminderJob.lambda$run$0', file: 'ReminderJob.java', line: 41, inApp: true },
      { function: 'java.util.ArrayList.forEach', file: 'ArrayList.java', line: 1596, inApp: false },
      { function: 'com.acme.billing.ReminderJob.run', file: 'ReminderJob.java', line: 38, inApp: true },
      { function: 'com.acme.billing.Scheduler$1.tick', file: 'Scheduler.kt', line: 22, inApp: true },
      { function: 'java.util.concurrent.Executors$RunnableAdapter.call', file: '<unknown>', inApp: false },
      { function: 'jdk.internal.misc.Unsafe.park', file: '<native>', inApp: false },
    ]);
  });

  it('reads logback output with `~[jar]` suffixes and `common frames omitted`', () => {
    const stack = [
      'java.io.UncheckedIOException: disk full',
      '\tat com.acme.export.CsvWriter.flush(CsvWriter.java:77) ~[classes/:na]',
      '\tat org.springframework.scheduling.support.ScheduledMethodRunnable.run(ScheduledMethodRunnable.java:84) ~[spring-context-6.1.2.jar:6.1.2]',
      'Caused by: java.io.IOException: No space left on device',
      '\tat java.base/java.io.FileOutputStream.writeBytes(Native Method)',
      '\tat com.acme.export.CsvWriter.flush(CsvWriter.java:75) ~[classes/:na]',
      '\t... 1 common frames omitted',
    ].join('\n');
    const parsed = parseStack(stack);
    expect(parsed.errorType).toBe('java.io.IOException');
    expect(parsed.frames.map((f) => `${f.function}:${f.line ?? ''}:${f.inApp}`)).toEqual([
      'java.io.FileOutputStream.writeBytes::false',
      'com.acme.export.CsvWriter.flush:75:true',
      'org.springframework.scheduling.support.ScheduledMethodRunnable.run:84:false',
    ]);
  });

  it('takes a bare exception type without a message', () => {
    const parsed = parseStack(
      'java.lang.StackOverflowError\n\tat com.acme.Tree.depth(Tree.java:9)\n\tat com.acme.Tree.depth(Tree.java:9)',
    );
    expect(parsed.errorType).toBe('java.lang.StackOverflowError');
    expect(parsed.message).toBeUndefined();
    expect(parsed.frames).toHaveLength(2);
  });
});
