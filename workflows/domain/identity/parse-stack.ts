import { boundStack, splitLines, splitTypeAndMessage, type ParsedStack, type StackLanguage } from './parsed-stack';
import { parseDotnetStack } from './parsers/dotnet';
import { parseGoStack } from './parsers/go';
import { parseJavaStack } from './parsers/java';
import { parseNodeStack } from './parsers/node';
import { parsePythonStack } from './parsers/python';
import { parseRubyStack } from './parsers/ruby';

export type { ParsedStack } from './parsed-stack';

const PARSERS: Record<Exclude<StackLanguage, 'unknown'>, (stack: string) => ParsedStack> = {
  python: parsePythonStack,
  go: parseGoStack,
  ruby: parseRubyStack,
  java: parseJavaStack,
  node: parseNodeStack,
  dotnet: parseDotnetStack,
};

/**
 * What a frame line looks like in each runtime. Checked in this order, first match wins:
 * a JVM frame is also a syntactically valid .NET frame, so Java is tried first and .NET
 * last (its parentheses hold argument types, the JVM's a file name).
 */
const FRAME_LINES: Array<[Exclude<StackLanguage, 'unknown'>, RegExp]> = [
  ['python', /^\s*File ".*", line \d+/],
  ['go', /^\s+\S.*\.go:\d+(?: \+0x[0-9a-f]+)?$/],
  ['ruby', /^\s*(?:from\s+)?\S.*:\d+:in [`']/],
  [
    'java',
    /^\s*at [^\s(]+\((?:[^():]+\.(?:java|kt|kts|scala|groovy|clj)(?::\d+)?|Unknown Source|Native Method|<generated>)\)/,
  ],
  ['node', /^\s*at (?:.+ \()?(?:.+:\d+:\d+|<anonymous>|native|node:.*)\)?(?:\s+\{)?$/],
  ['dotnet', /^\s*at [^\s(]+\(.*\)(?:\s+in\s+.+:line\s+\d+)?$/],
];

/** Markers that settle the runtime when no frame line is recognisable. */
const HEADERS: Array<[Exclude<StackLanguage, 'unknown'>, RegExp]> = [
  ['python', /^Traceback \(most recent call last\):/m],
  ['go', /^(?:goroutine \d+ \[|panic: |fatal error: )/m],
  ['java', /^\s*Caused by: |^Exception in thread "/m],
  ['dotnet', /^\s*--- End of (?:inner exception )?stack trace/m],
];

export function detectLanguage(stack: string): StackLanguage {
  const counts = new Map<StackLanguage, number>();
  for (const line of splitLines(stack)) {
    const hit = FRAME_LINES.find(([, re]) => re.test(line));
    if (hit) counts.set(hit[0], (counts.get(hit[0]) ?? 0) + 1);
  }
  let best: StackLanguage = 'unknown';
  let bestCount = 0;
  for (const [language] of FRAME_LINES) {
    const count = counts.get(language) ?? 0;
    if (count > bestCount) [best, bestCount] = [language, count];
  }
  if (best !== 'unknown') return best;
  return HEADERS.find(([, re]) => re.test(stack))?.[0] ?? 'unknown';
}

/**
 * Parses a stack trace of .NET, the JVM, Python, Node, Go or Ruby. Frames come innermost
 * (where the error was thrown) first whatever the runtime's own order. For chained
 * exceptions, the root cause's type and message are reported (see each parser).
 */
export function parseStack(rawStack: string): ParsedStack {
  const stack = boundStack(rawStack);
  const language = detectLanguage(stack);
  if (language !== 'unknown') return PARSERS[language](stack);
  const first = splitLines(stack).find((line) => line.trim()) ?? '';
  return { language, ...splitTypeAndMessage(first, /^([A-Z][\w$.:]*):\s?(.*)$/), frames: [] };
}
