/**
 * Error messages with the per-occurrence parts (ids, numbers, addresses, user data)
 * replaced by placeholders, so two occurrences of one bug read the same.
 */

export const MAX_MESSAGE_LENGTH = 512;

// A code identifier, optionally qualified and called: `id`, `user_id`, `User#name`, `com.acme.Repo.find(long)`.
const IDENTIFIER = /^[A-Za-z_$][\w$]*(?:(?:\.|::|#|->)[A-Za-z_$][\w$]*)*(?:\([\w$.,<>[\] ]*\))?$/;

/**
 * Quoted text is usually data (`User 'alice@x.io' not found`) but in runtime errors it is
 * often the identity of the bug: the property, method, key or constraint that failed
 * (`reading 'id'`, `undefined method 'upcase'`, `KeyError: 'user_id'`). Code identifiers
 * without digits are kept; everything else quoted becomes <str>.
 */
function quoted(open: string, content: string, close: string): string {
  const keep = content.length <= 64 && IDENTIFIER.test(content) && !/\d/.test(content);
  return `${open}${keep ? content : '<str>'}${close}`;
}

// Boundaries that also split on `_` and `-`, so `req_<hex>` and `order-<num>` are caught.
const NOT_ALNUM_BEFORE = '(?<![A-Za-z0-9])';
const NOT_ALNUM_AFTER = '(?![A-Za-z0-9])';

const RULES: Array<[RegExp, string | ((...groups: string[]) => string)]> = [
  // URLs keep scheme, host and path; the query string and fragment are per request.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s?#"'`<>]*)[?#][^\s"'`<>]*/gi, (_m, base) => `${base}?<query>`],
  [/"((?:[^"\\\n]|\\.)*)"/g, (_m, content) => quoted('"', content ?? '', '"')],
  [/`([^`'\n]*)([`'])/g, (_m, content, close) => quoted('`', content ?? '', close ?? '`')],
  [/(?<![A-Za-z0-9])'([^'\n]*)'(?![A-Za-z0-9])/g, (_m, content) => quoted("'", content ?? '', "'")],
  [
    new RegExp(
      `${NOT_ALNUM_BEFORE}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${NOT_ALNUM_AFTER}`,
      'gi',
    ),
    '<uuid>',
  ],
  [/[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g, '<email>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<date>'],
  [/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  [/(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w.])/g, '<ip>'],
  // IPv6: hex groups with a `::` or at least five colons (not a time, which is already gone).
  [/(?<![\w:])(?=[0-9a-f:]*::|(?:[0-9a-f]{0,4}:){5})(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, '<ip>'],
  // `0x1f` of any length; bare hex only from 8 characters and with a digit (not an English word).
  [new RegExp(`${NOT_ALNUM_BEFORE}0x[0-9a-f]+${NOT_ALNUM_AFTER}`, 'gi'), '<hex>'],
  [new RegExp(`${NOT_ALNUM_BEFORE}(?=[a-f]*\\d)[0-9a-f]{8,}${NOT_ALNUM_AFTER}`, 'gi'), '<hex>'],
  [new RegExp(`${NOT_ALNUM_BEFORE}(?=[A-F]*\\d)[0-9A-F]{8,}${NOT_ALNUM_AFTER}`, 'g'), '<hex>'],
  // Numbers, but not inside names such as `utf8`, `HTTP2` or `v1.2`.
  [/(?<![A-Za-z0-9.])-?\d+(?:[.,]\d+)*/g, '<num>'],
];

/** Longer input is cut before the rules run: some of them are quadratic on pathological text. */
export const MAX_INPUT_LENGTH = 4 * MAX_MESSAGE_LENGTH;

export function normalizeMessage(message: string): string {
  let text = message.replace(/\s+/g, ' ').trim().slice(0, MAX_INPUT_LENGTH);
  for (const [pattern, replacement] of RULES) {
    text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
