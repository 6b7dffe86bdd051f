import { describe, expect, it } from 'vitest';
import { parseStack } from '../../../../../workflows/domain/identity/parse-stack';
import { readStack } from '../read-stack';

describe('Python tracebacks', () => {
  it('takes the exception from the last line and reverses frames to innermost first', () => {
    const parsed = parseStack(readStack('python-django.txt'));
    expect(parsed.errorType).toBe('AttributeError');
    expect(parsed.message).toBe("'NoneType' object has no attribute 'fee'");
    // Source lines and 3.11+ caret lines are not frames.
    expect(parsed.frames).toEqual([
      { function: 'compute_total', file: '/app/shop/pricing.py', line: 17, inApp: true },
      { function: 'order_detail', file: '/app/shop/views/orders.py', line: 42, inApp: true },
      {
        function: '_get_response',
        file: '/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py',
        line: 197,
        inApp: false,
      },
      {
        function: 'inner',
        file: '/usr/local/lib/python3.12/site-packages/django/core/handlers/exception.py',
        line: 55,
        inApp: false,
      },
    ]);
  });

  it('reports the root cause of a chain, then the frames of what it caused', () => {
    const parsed = parseStack(readStack('python-chained.txt'));
    expect(parsed.errorType).toBe('json.decoder.JSONDecodeError');
    expect(parsed.message).toBe('Expecting value: line 1 column 1 (char 0)');
    expect(parsed.frames.map((f) => `${f.function}@${f.line}:${f.inApp}`)).toEqual([
      'raw_decode@355:false', // standard library
      'loads@346:false',
      'fetch_account@88:true',
      'fetch_account@90:true', // the SyncError's frames, innermost first
      'execute@41:true',
      'run@21:true',
    ]);
  });

  it('handles a bare exception, a multi-line message and a repeated-line note', () => {
    const stack = [
      'Traceback (most recent call last):',
      '  File "/app/tasks.py", line 5, in <module>',
      '    walk(0)',
      '  File "/app/tasks.py", line 3, in walk',
      '    walk(n + 1)',
      '  [Previous line repeated 996 more times]',
      '  File "<frozen importlib._bootstrap>", line 1360, in _find_and_load',
      'RecursionError: maximum recursion depth exceeded',
      'while calling a Python object',
    ].join('\n');
    const parsed = parseStack(stack);
    expect(parsed.errorType).toBe('RecursionError');
    expect(parsed.message).toBe('maximum recursion depth exceeded\nwhile calling a Python object');
    expect(parsed.frames.map((f) => [f.function, f.inApp])).toEqual([
      ['_find_and_load', false],
      ['walk', true],
      ['<module>', true],
    ]);
    const bare = parseStack(
      'Traceback (most recent call last):\n  File "/app/gen.py", line 9, in take\n    next(it)\nStopIteration',
    );
    expect(bare.errorType).toBe('StopIteration');
    expect(bare.message).toBeUndefined();
  });
});
