import type { StackFrame } from '../parsed-stack';
import { isGoInApp } from '../in-app';
import { joinMessage, splitLines, toInt, type ParsedStack } from '../parsed-stack';

const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
const PANIC = /^\s*(panic|fatal error): (.*?)(?: \[recovered\])?$/;
const FILE = /^\s+(.+?):(\d+)(?: \+0x[0-9a-f]+)?$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine \d+)?$/;

/**
 * A Go panic, a `debug.Stack()` dump or a tracer's frame list. Only the first goroutine
 * is read: it is the one that panicked. With nested panics (`[recovered]`) the first one
 * is the root cause.
 */
export function parseGoStack(stack: string): ParsedStack {
  const lines = splitLines(stack);
  const goroutine = lines.findIndex((line) => GOROUTINE.test(line));
  // Tracers (dd-trace-go) print the function/file pairs without a goroutine header.
  const start =
    goroutine !== -1 ? goroutine + 1 : lines.findIndex((line, i) => !/^\s/.test(line) && FILE.test(lines[i + 1] ?? ''));
  const header = goroutine !== -1 ? lines.slice(0, goroutine) : start === -1 ? lines : lines.slice(0, start);
  const frames: StackFrame[] = [];
  let pendingFunction: string | undefined;
  for (const line of start === -1 ? [] : lines.slice(start)) {
    if (!line.trim()) {
      if (frames.length > 0 || pendingFunction) break;
      continue;
    }
    const file = FILE.exec(line);
    if (file && pendingFunction !== undefined) {
      const path = file[1] ?? '';
      frames.push({
        function: pendingFunction,
        file: path,
        line: toInt(file[2]),
        inApp: isGoInApp(pendingFunction, path),
      });
      pendingFunction = undefined;
    } else if (!/^\s/.test(line) && !line.startsWith('[') && !line.startsWith('...')) {
      const createdBy = CREATED_BY.exec(line);
      // Arguments are hex words without nested parentheses; `(*Server)` receivers stay.
      pendingFunction = createdBy ? createdBy[1] : line.replace(/\([^()]*\)$/, '');
    }
  }
  const panicIndex = header.findIndex((line) => PANIC.test(line));
  if (panicIndex === -1) return { language: 'go', frames };
  const panic = PANIC.exec(header[panicIndex] ?? '');
  // A multi-line panic value continues up to the `[signal ...]` line or the next panic.
  const continuation: string[] = [];
  for (const line of header.slice(panicIndex + 1)) {
    if (PANIC.test(line) || line.startsWith('[') || !line.trim()) break;
    continuation.push(line);
  }
  const message = [panic?.[2], joinMessage(continuation)].filter(Boolean).join('\n');
  return { language: 'go', errorType: panic?.[1] ?? 'panic', ...(message ? { message } : {}), frames };
}
