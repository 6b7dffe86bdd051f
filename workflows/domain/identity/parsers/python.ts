import type { StackFrame } from '../parsed-stack';
import { isPythonInApp } from '../in-app';
import { joinMessage, splitLines, splitTypeAndMessage, toInt, type ParsedStack } from '../parsed-stack';

const TRACEBACK = /^\s*Traceback \(most recent call last\):/;
const FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?$/;
const CHAINED = /^\s*(The above exception was the direct cause|During handling of the above exception)/;
const TYPE = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;

interface Block {
  frames: StackFrame[];
  exception: string[];
}

/**
 * Python tracebacks print the outermost call first and the exception last; chained
 * exceptions print the cause first. The root cause (the first block) is reported, and
 * each block's frames are reversed so the innermost comes first.
 */
export function parsePythonStack(stack: string): ParsedStack {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const line of splitLines(stack)) {
    if (TRACEBACK.test(line) || CHAINED.test(line)) {
      current = undefined;
      if (CHAINED.test(line)) continue;
      current = { frames: [], exception: [] };
      blocks.push(current);
      continue;
    }
    if (!current) {
      // A traceback whose first line was cut off by the log pipeline.
      if (!FRAME.test(line)) continue;
      current = { frames: [], exception: [] };
      blocks.push(current);
    }
    const frame = FRAME.exec(line);
    if (frame && current.exception.length === 0) {
      current.frames.push(parseFrame(frame[1] ?? '', frame[2], frame[3]));
    } else if (current.exception.length > 0 || (line.trim() && !/^\s/.test(line))) {
      // Source lines and 3.11 carets are indented; the exception line is not.
      current.exception.push(line);
    }
  }
  const root = blocks.find((block) => block.exception.some((line) => line.trim())) ?? blocks[0];
  if (!root) return { language: 'python', frames: [] };
  const [first = '', ...rest] = root.exception;
  const head = splitTypeAndMessage(first, TYPE);
  const message = [head.message, joinMessage(rest)].filter(Boolean).join('\n') || undefined;
  const frames = blocks.slice(blocks.indexOf(root)).flatMap((block) => block.frames.slice().reverse());
  return { language: 'python', ...head, ...(message ? { message } : {}), frames };
}

function parseFrame(file: string, line: string | undefined, fn: string | undefined): StackFrame {
  return { ...(fn ? { function: fn } : {}), file, line: toInt(line), inApp: isPythonInApp(file) };
}
