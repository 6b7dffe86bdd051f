/**
 * Atlassian Document Format (Jira Cloud's rich text) to plain text and back. Pure and
 * deterministic: the ingress reads issue descriptions with it, and the workflow may build
 * comments with it. Jira text is untrusted: output is bounded, and nesting is capped.
 */

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: AdfMark[];
  content?: AdfNode[];
}

export interface AdfDoc extends AdfNode {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export const ADF_TEXT_MAX_CHARS = 20_000;
const MAX_DEPTH = 40;
const TRUNCATED = '\n…[truncated]';

/**
 * The document as readable text: blocks separated by a blank line, headings as `#`, lists as
 * `- ` / `1. `, quotes as `> `, code blocks fenced with their content verbatim (stack traces
 * often sit there), mentions and cards by their text or URL. At most `maxChars` characters.
 */
export function adfToText(doc: unknown, maxChars = ADF_TEXT_MAX_CHARS): string {
  if (typeof doc === 'string') return bound(doc, maxChars);
  if (!isNode(doc)) return '';
  return bound(blocks(children(doc), 0, maxChars).join('\n\n'), maxChars);
}

function bound(s: string, maxChars: number): string {
  return s.length <= maxChars ? s : s.slice(0, Math.max(0, maxChars - TRUNCATED.length)) + TRUNCATED;
}

function isNode(v: unknown): v is AdfNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function children(node: AdfNode): AdfNode[] {
  return Array.isArray(node.content) ? node.content.filter(isNode) : [];
}

function attr(node: AdfNode, name: string): string | undefined {
  const v = node.attrs?.[name];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** Each block node as its text; the walk stops once `limit` characters are there (the caller cuts the rest). */
function blocks(nodes: AdfNode[], depth: number, limit = ADF_TEXT_MAX_CHARS): string[] {
  if (depth > MAX_DEPTH) return [];
  const texts: string[] = [];
  let size = 0;
  for (const node of nodes) {
    if (size > limit) break;
    const text = block(node, depth + 1);
    if (text === '') continue;
    texts.push(text);
    size += text.length + 2;
  }
  return texts;
}

function block(node: AdfNode, depth: number): string {
  switch (node.type) {
    case 'paragraph':
      return inline(children(node), depth);
    case 'heading':
      return `${'#'.repeat(Math.min(6, Math.max(1, Number(attr(node, 'level') ?? 1) || 1)))} ${inline(children(node), depth)}`;
    case 'codeBlock': {
      const lang = attr(node, 'language') ?? '';
      return (
        '```' +
        lang +
        '\n' +
        children(node)
          .map((c) => c.text ?? '')
          .join('') +
        '\n```'
      );
    }
    case 'bulletList':
      return listItems(node, depth, () => '- ');
    case 'orderedList': {
      const start = Number(attr(node, 'order') ?? 1) || 1;
      return listItems(node, depth, (i) => `${start + i}. `);
    }
    case 'blockquote':
      return prefixLines(blocks(children(node), depth).join('\n\n'), '> ', '> ');
    case 'rule':
      return '---';
    case 'table':
      return children(node)
        .map((row) =>
          children(row)
            .map((cell) => blocks(children(cell), depth).join(' ').replace(/\n/g, ' '))
            .join(' | '),
        )
        .join('\n');
    case 'mediaSingle':
    case 'mediaGroup':
      return '';
    default:
      // panel, expand, layoutSection, an inline node at block level, a type added later: its content.
      return node.content
        ? blocks(children(node), depth).join('\n\n') || inline(children(node), depth)
        : inline([node], depth);
  }
}

function listItems(list: AdfNode, depth: number, marker: (i: number) => string): string {
  return children(list)
    .map((item, i) => {
      const m = marker(i);
      return prefixLines(blocks(children(item), depth + 1).join('\n'), m, ' '.repeat(m.length));
    })
    .join('\n');
}

function prefixLines(text: string, first: string, rest: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first : rest) + line)
    .join('\n');
}

function inline(nodes: AdfNode[], depth: number): string {
  if (depth > MAX_DEPTH) return '';
  let s = '';
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        s += textWithLink(node);
        break;
      case 'hardBreak':
        s += '\n';
        break;
      case 'mention':
        s += attr(node, 'text') ?? `@${attr(node, 'id') ?? 'someone'}`;
        break;
      case 'emoji':
        s += attr(node, 'text') ?? attr(node, 'shortName') ?? '';
        break;
      case 'inlineCard':
      case 'blockCard':
      case 'embedCard':
        s += attr(node, 'url') ?? '';
        break;
      case 'status':
        s += `[${attr(node, 'text') ?? ''}]`;
        break;
      case 'date': {
        const ts = Number(attr(node, 'timestamp'));
        s += Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '';
        break;
      }
      default:
        s += node.text ?? inline(children(node), depth + 1);
    }
    if (s.length > ADF_TEXT_MAX_CHARS) break;
  }
  return s;
}

/** A linked text keeps its URL when the text does not already show it. */
function textWithLink(node: AdfNode): string {
  const text = typeof node.text === 'string' ? node.text : '';
  const link = node.marks?.find((m) => m.type === 'link');
  const href = typeof link?.attrs?.href === 'string' ? link.attrs.href : undefined;
  return href && href !== text ? `${text} (${href})` : text;
}

/** The text of every code block, in document order: where a pasted stack trace or log excerpt usually is. */
export function adfCodeBlocks(doc: unknown, maxBlocks = 20): string[] {
  const found: string[] = [];
  const walk = (node: AdfNode, depth: number) => {
    if (depth > MAX_DEPTH || found.length >= maxBlocks) return;
    if (node.type === 'codeBlock') {
      found.push(
        children(node)
          .map((c) => c.text ?? '')
          .join('')
          .slice(0, ADF_TEXT_MAX_CHARS),
      );
      return;
    }
    for (const c of children(node)) walk(c, depth + 1);
  };
  if (isNode(doc)) walk(doc, 0);
  return found;
}

const URL_PATTERN = /https?:\/\/[^\s<>()"']+[^\s<>()"'.,;:!?]/g;

/**
 * Plain text as an ADF document: blank lines separate paragraphs (line breaks inside one become
 * hardBreaks), ``` fences become code blocks (content verbatim, language kept), runs of lines
 * starting with "- " become a bullet list, and http(s) URLs become links.
 */
export function textToAdf(text: string): AdfDoc {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const content: AdfNode[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) content.push({ type: 'paragraph', content: inlineOf(paragraph) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^```\s*([\w+#.-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) code.push(lines[i]!);
      const body = code.join('\n');
      content.push({
        type: 'codeBlock',
        ...(fence[1] ? { attrs: { language: fence[1] } } : {}),
        content: body ? [{ type: 'text', text: body }] : [],
      });
    } else if (line.startsWith('- ')) {
      flush();
      const items: AdfNode[] = [];
      for (; i < lines.length && lines[i]!.startsWith('- '); i++)
        items.push({ type: 'listItem', content: [{ type: 'paragraph', content: inlineOf([lines[i]!.slice(2)]) }] });
      i--;
      content.push({ type: 'bulletList', content: items });
    } else if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return { type: 'doc', version: 1, content };
}

/** Lines of one paragraph as text nodes (ADF forbids empty ones) joined by hardBreaks. */
function inlineOf(lines: string[]): AdfNode[] {
  const nodes: AdfNode[] = [];
  lines.forEach((line, i) => {
    if (i > 0) nodes.push({ type: 'hardBreak' });
    let last = 0;
    for (const m of line.matchAll(URL_PATTERN)) {
      if (m.index > last) nodes.push({ type: 'text', text: line.slice(last, m.index) });
      nodes.push({ type: 'text', text: m[0], marks: [{ type: 'link', attrs: { href: m[0] } }] });
      last = m.index + m[0].length;
    }
    if (last < line.length) nodes.push({ type: 'text', text: line.slice(last) });
  });
  return nodes;
}
