import type { StackFrame } from '../parsed-stack';
import { isDotnetInApp } from '../in-app';
import { splitLines, splitTypeAndMessage, toInt, type ParsedStack } from '../parsed-stack';

const FRAME = /^\s*at\s+([^\s(]+)\((.*?)\)(?:\s+in\s+(.+):line\s+(\d+))?$/;
const MARKER = /^\s*---\s*End of /;
const TYPE = /^([A-Za-z_][\w.+`]*)(?::\s?([\s\S]*))?$/;

/**
 * `Exception.ToString()` of .NET. Inner exceptions (` ---> `) come first in the header,
 * their frames first in the body: the innermost is the root cause, which is reported, and
 * the frames in printed order already run from the innermost throw outwards.
 */
export function parseDotnetStack(stack: string): ParsedStack {
  const header: string[] = [];
  const frames: StackFrame[] = [];
  for (const line of splitLines(stack)) {
    const frame = FRAME.exec(line);
    if (frame) frames.push(parseFrame(frame[1] ?? '', frame[3], frame[4]));
    else if (frames.length === 0 && !MARKER.test(line)) header.push(line);
  }
  const chain = header
    .join('\n')
    .split(/\s*--->\s*/)
    .map((part) => part.trim())
    .filter(Boolean);
  const root = chain[chain.length - 1];
  const head = root ? splitTypeAndMessage(root, TYPE) : {};
  return { language: 'dotnet', ...head, frames };
}

/** Readable method names for compiler-generated async state machines, lambdas and local functions. */
export function cleanDotnetMethod(name: string): string {
  return name
    .replace(/\.<([^>]+)>d__[\d_]+\.MoveNext$/, '.$1')
    .replace(/\.<>c(?:__DisplayClass[\d_]+)?\.<([^>]+)>b__[\d_]+$/, '.$1.lambda')
    .replace(/\.<([^>]+)>g__([^|]+)\|[\d_]+$/, '.$1.$2');
}

function parseFrame(method: string, file: string | undefined, line: string | undefined): StackFrame {
  const fn = cleanDotnetMethod(method);
  return {
    function: fn,
    file: file ?? '<unknown>',
    ...(line ? { line: toInt(line) } : {}),
    inApp: isDotnetInApp(fn),
  };
}
