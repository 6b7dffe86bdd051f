import type { StackFrame } from '../parsed-stack';
import { isNodeInApp } from '../in-app';
import { joinMessage, splitLines, splitTypeAndMessage, toInt, type ParsedStack } from '../parsed-stack';

const FRAME = /^\s*at\s+(.*?)(?:\s+\{)?$/;
const CAUSE = /^\s*\[cause\]:\s*(.*)$/;
// `TypeError`, `AxiosError`, Node's `Error [ERR_HTTP_HEADERS_SENT]`.
const TYPE = /^((?:[\w$]+\.)*[A-Z][\w$]*(?: \[[A-Z0-9_]+\])?)(?::\s?(.*))?$/;

interface Section {
  header: string[];
  frames: StackFrame[];
}

/** `err.stack` of V8 (Node, Bun, Deno, Chrome), including `util.inspect` output with `[cause]`. */
export function parseNodeStack(stack: string): ParsedStack {
  const sections: Section[] = [{ header: [], frames: [] }];
  for (const line of splitLines(stack)) {
    const current = sections[sections.length - 1]!;
    const cause = CAUSE.exec(line);
    if (cause) {
      sections.push({ header: [cause[1] ?? ''], frames: [] });
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame) {
      current.frames.push(parseFrame(frame[1] ?? ''));
    } else if (current.frames.length === 0) {
      current.header.push(line);
    }
  }
  // The deepest `[cause]` is the root cause; its own frames are where it was thrown.
  const root = sections[sections.length - 1]!;
  const frames = sections
    .slice()
    .reverse()
    .flatMap((section) => section.frames);
  return { language: 'node', ...headerOf(root.header), frames };
}

function headerOf(header: string[]): { errorType?: string; message?: string } {
  // Uncaught errors print the source line and a caret first; the exception line follows a blank.
  const start = header.findIndex((line) => TYPE.test(line.trim()));
  if (start === -1) {
    const message = joinMessage(header);
    return message ? { message } : {};
  }
  const head = splitTypeAndMessage(header[start] ?? '', TYPE);
  const rest = joinMessage(header.slice(start + 1));
  const message = [head.message, rest].filter(Boolean).join('\n') || undefined;
  return message ? { ...head, message } : { ...head };
}

function parseFrame(frameText: string): StackFrame {
  const text = frameText.replace(/^async\s+/, '');
  let fn: string | undefined;
  let location = text;
  const open = text.indexOf(' (');
  if (open !== -1 && text.endsWith(')')) {
    fn = text.slice(0, open).replace(/\s+\[as [^\]]+\]$/, '');
    location = text.slice(open + 2, -1);
  }
  // `eval at handler (/app/x.js:10:5), <anonymous>:1:1`: the eval call site is the useful place.
  if (location.startsWith('eval at ')) {
    location = /\(([^()]+:\d+:\d+)\)/.exec(location)?.[1] ?? '<anonymous>';
  }
  location = location.replace(/^file:\/\//, '');
  const match = /^(.*?):(\d+)(?::(\d+))?$/.exec(location);
  const file = match?.[1] ?? location;
  return {
    ...(fn ? { function: fn } : {}),
    file,
    ...(match ? { line: toInt(match[2]) } : {}),
    ...(match?.[3] ? { column: toInt(match[3]) } : {}),
    // `(<anonymous>)`, `(native)`, `(index 0)`: no source position, so not the app's code.
    inApp: match !== null && isNodeInApp(file),
  };
}
