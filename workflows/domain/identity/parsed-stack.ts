/** One parsed stack frame. `inApp` is false for runtime, framework and dependency frames. */
export interface StackFrame {
  function?: string;
  file: string;
  line?: number;
  column?: number;
  inApp: boolean;
}

export type StackLanguage = 'dotnet' | 'java' | 'python' | 'node' | 'go' | 'ruby' | 'unknown';

/** What a stack trace says: its runtime, the exception it reports and its frames, innermost first. */
export interface ParsedStack {
  language: StackLanguage;
  errorType?: string;
  message?: string;
  frames: StackFrame[];
}

/** Lines without trailing whitespace or carriage returns (traces pasted from Windows logs carry \r). */
export function splitLines(stack: string): string[] {
  return stack.split(/\r?\n/).map((line) => line.trimEnd());
}

export const MAX_LINES = 1000;
export const MAX_LINE_LENGTH = 2000;

/**
 * Bounds the work on a hostile or runaway trace (some frame patterns are quadratic in the
 * line length). Keeps the head and the tail: Python puts the innermost frames and the
 * exception last, the JVM its root cause.
 */
export function boundStack(stack: string): string {
  let lines = stack.split(/\r?\n/);
  if (lines.length > MAX_LINES) lines = [...lines.slice(0, MAX_LINES / 2), ...lines.slice(-MAX_LINES / 2)];
  return lines.map((line) => (line.length > MAX_LINE_LENGTH ? line.slice(0, MAX_LINE_LENGTH) : line)).join('\n');
}

/** `Type: message` when the head looks like an exception type; a bare type (`StopIteration`) has no message. */
export function splitTypeAndMessage(head: string, typePattern: RegExp): { errorType?: string; message?: string } {
  const line = head.trim();
  const match = typePattern.exec(line);
  if (!match?.[1]) return line ? { message: line } : {};
  const message = match[2]?.trim();
  return message ? { errorType: match[1], message } : { errorType: match[1] };
}

/** Joins continuation lines of a multi-line message, dropping blank ones. */
export function joinMessage(lines: string[]): string | undefined {
  const text = lines
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');
  return text || undefined;
}

export function toInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : undefined;
}
