import type { StackFrame } from '../parsed-stack';
import { isRubyInApp } from '../in-app';
import { joinMessage, splitLines, toInt, type ParsedStack } from '../parsed-stack';

// `in 'method'` (Ruby 3.4) or ``in `method'`` (earlier).
const FRAME = /^\s*(?:from\s+)?(.+?):(\d+)(?::in [`'](.*)')?$/;
// The first line of an uncaught exception: `file:line:in 'm': message (ErrorClass)`.
const FIRST = /^(.+?):(\d+):in [`'](.*?)': (.*)$/;
const CLASS_SUFFIX = /^(.*?)\s*\(([A-Z][\w:]*)\)$/;
const CLASS_PREFIX = /^([A-Z][\w]*(?:::[A-Z][\w]*)*)(?:: (.*)| \((.*)\):?)$/;

export function parseRubyStack(stack: string): ParsedStack {
  const lines = splitLines(stack);
  const frames: StackFrame[] = [];
  const header: string[] = [];
  let errorType: string | undefined;
  let firstMessage: string | undefined;
  for (const line of lines) {
    const first = frames.length === 0 && header.length === 0 ? FIRST.exec(line) : null;
    if (first) {
      frames.push(frame(first[1] ?? '', first[2], first[3]));
      const suffix = CLASS_SUFFIX.exec(first[4] ?? '');
      errorType = suffix?.[2];
      firstMessage = suffix ? suffix[1] : first[4];
      continue;
    }
    const match = FRAME.exec(line);
    if (match) frames.push(frame(match[1] ?? '', match[2], match[3]));
    // Message lines come before the first frame, or right after the first line's own frame.
    else if (line.trim() && frames.length === (errorType !== undefined || firstMessage !== undefined ? 1 : 0))
      header.push(line);
  }
  dropHighlight(header);
  if (errorType !== undefined || firstMessage !== undefined) {
    // Ruby prints the rest of a multi-line message after the first line's `(ErrorClass)`.
    const message = [firstMessage, joinMessage(header)].filter(Boolean).join('\n');
    return { language: 'ruby', ...(errorType ? { errorType } : {}), ...(message ? { message } : {}), frames };
  }
  return { language: 'ruby', ...headerOf(header), frames };
}

/** `NoMethodError: msg`, Rails' `NoMethodError (msg):`, or `msg (NoMethodError)`. */
function headerOf(header: string[]): { errorType?: string; message?: string } {
  const [first = '', ...rest] = header.map((line) => line.trim());
  const more = joinMessage(rest);
  const prefixed = CLASS_PREFIX.exec(first);
  const suffixed = prefixed ? null : CLASS_SUFFIX.exec(first);
  const errorType = prefixed?.[1] ?? suffixed?.[2];
  const head = prefixed ? (prefixed[2] ?? prefixed[3]) : suffixed ? suffixed[1] : first;
  const message = [head, more].filter(Boolean).join('\n');
  return { ...(errorType ? { errorType } : {}), ...(message ? { message } : {}) };
}

/** Ruby 3.1+ error_highlight: a source line and a line of carets under it. */
function dropHighlight(header: string[]): void {
  for (let i = header.length - 1; i >= 0; i--) {
    if (/^\s*\^+\s*$/.test(header[i] ?? '')) header.splice(Math.max(0, i - 1), i > 0 ? 2 : 1);
  }
}

function frame(file: string, line: string | undefined, fn: string | undefined): StackFrame {
  return { ...(fn ? { function: fn } : {}), file, line: toInt(line), inApp: isRubyInApp(file) };
}
