/**
 * HTML text from data that may come from production (service names, error types, rejection
 * reasons): every value goes through `escapeHtml`, in text and in attributes alike.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export type Attributes = Record<string, string | number | undefined>;

/** ` name="value"` pairs, escaped; undefined values are left out; names are ours, never data. */
export function attrs(a: Attributes): string {
  return Object.entries(a)
    .filter((kv): kv is [string, string | number] => kv[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
}

/** An element with escaped attributes around already-rendered children. */
export function el(name: string, a: Attributes, ...children: string[]): string {
  return `<${name}${attrs(a)}>${children.join('')}</${name}>`;
}

/** A `data-` attribute name from a value we control (an outcome, a figure's name). */
export function dataName(name: string): string {
  return `data-${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}
