import type { StackFrame } from '../parsed-stack';
import { isJavaInApp } from '../in-app';
import { joinMessage, splitLines, splitTypeAndMessage, toInt, type ParsedStack } from '../parsed-stack';

// Logback appends `~[jar:version]` after the location.
const FRAME = /^\s*at\s+([^\s(]+)\(([^)]*)\)(?:\s+~?\[[^\]]*\])?$/;
const CAUSED_BY = /^\s*Caused by:\s*(.*)$/;
const MORE = /^\s*\.\.\. (\d+) (?:more|common frames omitted)$/;
const SUPPRESSED = /^(\s*)Suppressed:/;
const TYPE = /^([A-Za-z_$][\w$]*(?:\.[\w$]+)*)(?::\s?(.*))?$/;

interface Section {
  header: string[];
  frames: StackFrame[];
  /** `... N more`: the last N frames are the enclosing exception's last N. */
  more: number;
}

/**
 * JVM traces (Java, Kotlin, Scala). The root cause, the last `Caused by:`, is reported:
 * wrappers such as Spring's NestedServletException say little about the bug. Its frames
 * are completed with the enclosing trace's frames that `... N more` elided.
 */
export function parseJavaStack(stack: string): ParsedStack {
  const sections: Section[] = [];
  let suppressedIndent = -1;
  for (const line of splitLines(stack)) {
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    if (suppressedIndent >= 0 && indent > suppressedIndent) continue;
    suppressedIndent = -1;
    const suppressed = SUPPRESSED.exec(line);
    if (suppressed) {
      suppressedIndent = suppressed[1]?.length ?? 0;
      continue;
    }
    const causedBy = CAUSED_BY.exec(line);
    if (causedBy) {
      sections.push({ header: [causedBy[1] ?? ''], frames: [], more: 0 });
      continue;
    }
    if (sections.length === 0) sections.push({ header: [], frames: [], more: 0 });
    const current = sections[sections.length - 1]!;
    const frame = FRAME.exec(line);
    const more = MORE.exec(line);
    if (frame) current.frames.push(parseFrame(frame[1] ?? '', frame[2] ?? ''));
    else if (more) current.more = Number(more[1]);
    else if (current.frames.length === 0) current.header.push(line);
  }
  if (sections.length === 0) return { language: 'java', frames: [] };

  let frames: StackFrame[] = [];
  for (const section of sections) {
    frames = section.more > 0 ? [...section.frames, ...frames.slice(-section.more)] : section.frames;
  }
  const root = sections[sections.length - 1]!;
  const [first = '', ...rest] = root.header.map((line) => line.trim());
  const head = splitTypeAndMessage(first.replace(/^Exception in thread "[^"]*"\s+/, ''), TYPE);
  const message = [head.message, joinMessage(rest)].filter(Boolean).join('\n') || undefined;
  return { language: 'java', ...head, ...(message ? { message } : {}), frames };
}

function parseFrame(qualifiedWithModule: string, location: string): StackFrame {
  // `java.base/java.lang.Thread.run`, `app//com.acme.Main.main`: module and class-loader prefixes.
  const qualified = qualifiedWithModule.slice(qualifiedWithModule.lastIndexOf('/') + 1);
  let file: string;
  let line: number | undefined;
  if (location === 'Native Method') file = '<native>';
  else if (location === 'Unknown Source' || location === '') file = '<unknown>';
  else {
    const match = /^(.*?)(?::(\d+))?$/.exec(location);
    file = match?.[1] || location;
    line = toInt(match?.[2]);
  }
  return { function: qualified, file, ...(line !== undefined ? { line } : {}), inApp: isJavaInApp(qualified, file) };
}
