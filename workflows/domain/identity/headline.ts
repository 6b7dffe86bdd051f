import type { ParsedStack } from './parsed-stack';

/** What an error says about itself in one line: its type when the text names one, and its message. */
export interface Headline {
  errorType?: string;
  message: string;
}

// A leading error type: qualified (`a.b.C`, `A::B`), `...Error`/`...Exception`, or two-hump PascalCase (`StopIteration`).
const TYPE_PREFIX =
  /^((?:[A-Za-z_$][\w$]*(?:\.|::))+[A-Za-z_$][\w$]*|[A-Za-z_$]*(?:Error|Exception)|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+):\s+([\s\S]*)$/;
// Rails' `ActiveRecord::RecordNotFound (Couldn't find Order with 'id'=1):`.
const TYPE_PARENS = /^([A-Z]\w*(?:::[A-Z]\w*)*) \((.*)\):?$/;
// Ruby's own `message (NoMethodError)`.
const TYPE_SUFFIX = /^(.*\S)\s+\(((?:[A-Z]\w*::)*[A-Z]\w*(?:Error|Exception)|[A-Z]\w*(?:::[A-Z]\w*)+)\)$/;
// What runtimes and loggers put in front of the exception itself.
const WRAPPERS =
  /^(?:Uncaught(?: \(in promise\))?\s+|Unhandled (?:exception|rejection)[.:]?\s+|Exception in thread "[^"]*"\s+|panic:\s+|fatal error:\s+)/i;
// Lines that open a trace without saying what the error is.
const HEADER_LINE = /^(?:Traceback \(most recent call last\):|goroutine \d+ \[|\[signal |-+ End of )/;
// A frame line where a message was expected (Ruby's first line, a trace pasted without its head).
const FRAME_LINE = /^(?:at\s|from\s|File "|\S+:\d+:in [`'])/;

/**
 * The error's headline: the first line of what it says (the log message, or the trace's first line
 * when there is no message), without runtime wrappers and with a leading or trailing type split off.
 * When that line says nothing (a trace header or a frame), the parsed trace's own exception is used.
 */
export function headlineOf(message: string, parsed: ParsedStack): Headline {
  const first = firstLine(message);
  if (!first || HEADER_LINE.test(first) || FRAME_LINE.test(first)) {
    const fromStack = parsed.message ? splitType(firstLine(parsed.message)) : { message: '' };
    return { ...fromStack, ...(parsed.errorType ? { errorType: parsed.errorType } : {}) };
  }
  return splitType(first);
}

/** Bounded before any pattern runs: a headline longer than this is not told apart by its tail. */
const MAX_HEADLINE = 2048;

function firstLine(text: string): string {
  const start = text.search(/\S/);
  if (start < 0) return '';
  const end = text.indexOf('\n', start);
  return text
    .slice(start, end < 0 ? undefined : end)
    .slice(0, MAX_HEADLINE)
    .trim();
}

function splitType(line: string): Headline {
  let text = line;
  for (let i = 0; i < 3 && WRAPPERS.test(text); i++) text = text.replace(WRAPPERS, '');
  // Go marks a re-panicked value; the value is the same error.
  text = text.replace(/\s+\[recovered\]$/, '');
  const prefixed = TYPE_PREFIX.exec(text);
  if (prefixed?.[1]) return { errorType: prefixed[1], message: prefixed[2] ?? '' };
  const parens = TYPE_PARENS.exec(text);
  if (parens?.[1]) return { errorType: parens[1], message: parens[2] ?? '' };
  const suffixed = TYPE_SUFFIX.exec(text);
  if (suffixed?.[2]) return { errorType: suffixed[2], message: suffixed[1] ?? '' };
  return { message: text };
}
