import { describe, expect, it } from 'vitest';
import { detectLanguage, parseStack } from '../../../../workflows/domain/identity/parse-stack';
import { ALL_STACKS, readStack } from './read-stack';

describe('parseStack', () => {
  it.each(ALL_STACKS)('recognises %s as %s', (file, language) => {
    const parsed = parseStack(readStack(file));
    expect(parsed.language).toBe(language);
    expect(parsed.frames.length).toBeGreaterThan(1);
    expect(parsed.errorType).toBeTruthy();
  });

  it('puts the throwing frame first whatever order the runtime prints', () => {
    // Python prints the innermost call last; the others print it first.
    expect(parseStack(readStack('python-django.txt')).frames[0]?.function).toBe('compute_total');
    expect(parseStack(readStack('node-typeerror.txt')).frames[0]?.function).toBe('formatRecipient');
    expect(parseStack(readStack('go-nil-pointer.txt')).frames[0]?.function).toBe(
      'github.com/acme/inventory/internal/stock.(*Service).Reserve',
    );
  });

  it('tells JVM frames from .NET frames, which share the `at Name(...)` shape', () => {
    expect(
      detectLanguage(
        'java.lang.IllegalStateException: boom\n\tat com.acme.Foo.bar(Foo.java:12)\n\tat com.acme.Main.main(Main.java:3)',
      ),
    ).toBe('java');
    expect(
      detectLanguage('System.Exception: boom\n   at Acme.Foo.Bar(String name)\n   at Acme.Program.Main(String[] args)'),
    ).toBe('dotnet');
    expect(detectLanguage('Error: boom\n    at bar (/app/foo.js:12:3)\n    at Array.map (<anonymous>)')).toBe('node');
  });

  it('falls back on header markers when no frame is recognisable', () => {
    expect(detectLanguage('Traceback (most recent call last):\nValueError: bad')).toBe('python');
    expect(detectLanguage('panic: boom\n\ngoroutine 1 [running]:')).toBe('go');
  });

  it('reports unknown text as unknown, keeping a `Type: message` head', () => {
    expect(parseStack('NotAStack: something odd happened\nmore text')).toEqual({
      language: 'unknown',
      errorType: 'NotAStack',
      message: 'something odd happened',
      frames: [],
    });
    expect(parseStack('')).toEqual({ language: 'unknown', frames: [] });
  });

  it('copes with Windows line endings', () => {
    const parsed = parseStack(readStack('java-npe.txt').replace(/\n/g, '\r\n'));
    expect(parsed.language).toBe('java');
    expect(parsed.frames[0]).toMatchObject({ file: 'ReminderJob.java', line: 41 });
    expect(parsed.message).not.toMatch(/\r/);
  });

  it('keeps the head and tail of a runaway trace: Python puts the exception last', () => {
    const frame = '  File "/app/walk.py", line 3, in walk\n    return walk(n + 1)\n';
    const stack = `Traceback (most recent call last):\n${frame.repeat(5000)}  File "/app/leaf.py", line 9, in leaf\n    raise ValueError(n)\nValueError: 5000`;
    const parsed = parseStack(stack);
    expect(parsed).toMatchObject({ language: 'python', errorType: 'ValueError', message: '5000' });
    expect(parsed.frames[0]).toMatchObject({ function: 'leaf', file: '/app/leaf.py' });
    expect(parsed.frames.length).toBeLessThan(1000);
  });

  it('stays fast on pathological lines', () => {
    const started = Date.now();
    parseStack(`    at ${'a ('.repeat(200_000)}\n`.repeat(5));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
