/**
 * A terminal rendering of a Block Kit message, short enough to read in the narration:
 * headers, section text (code blocks clipped), fields, context lines and buttons.
 */

interface Text {
  type?: string;
  text?: string;
}
interface Element {
  type?: string;
  text?: Text | string;
  style?: string;
}
interface Block {
  type?: string;
  text?: Text;
  fields?: Text[];
  elements?: Element[];
  accessory?: Element;
}

const MAX_SECTION_LINES = 6;
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  x: '❌',
  hourglass: '⏳',
  warning: '⚠️',
  rotating_light: '🚨',
};

export function renderBlocks(blocks: unknown[] | undefined, fallbackText: string | undefined): string[] {
  if (!blocks?.length) return [fallbackText ?? ''];
  const out: string[] = [];
  for (const b of blocks as Block[]) {
    switch (b.type) {
      case 'header':
        out.push(`# ${b.text?.text ?? ''}`);
        break;
      case 'section':
        if (b.text?.text) out.push(...clipLines(unescape(b.text.text)));
        if (b.fields?.length) out.push(b.fields.map((f) => unescape(f.text ?? '').replace(/\n/g, ': ')).join('  |  '));
        if (b.accessory?.type === 'button') out.push(`[ ${textOf(b.accessory)} ]`);
        break;
      case 'divider':
        out.push('─'.repeat(40));
        break;
      case 'context':
        out.push(...(b.elements ?? []).map((e) => `· ${unescape(textOf(e))}`));
        break;
      case 'actions':
        out.push((b.elements ?? []).map((e) => `[ ${textOf(e)} ]`).join('  '));
        break;
      default:
        out.push(`(${b.type ?? 'unknown'} block)`);
    }
  }
  return out;
}

function textOf(e: Element): string {
  return typeof e.text === 'string' ? e.text : (e.text?.text ?? '');
}

function clipLines(text: string): string[] {
  const lines = text.split('\n').filter((l) => l !== '```');
  return lines.length > MAX_SECTION_LINES
    ? [...lines.slice(0, MAX_SECTION_LINES), `… ${lines.length - MAX_SECTION_LINES} more lines`]
    : lines;
}

/** Slack's escapes and link syntax, back to plain text for the terminal. */
export function unescape(s: string): string {
  return s
    .replace(/<!date\^[^|>]*\|([^>]+)>/g, '$1')
    .replace(/<@(\w+)>/g, '@$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => (label === url ? url : `${label} (${url})`))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\u200B/g, '')
    .replace(/:([a-z_]+):/g, (m, name: string) => EMOJI[name] ?? m);
}
