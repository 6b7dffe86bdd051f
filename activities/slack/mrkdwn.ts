/**
 * Escaping for Slack mrkdwn. Error messages, URLs and user ids come from production traffic
 * and Claude's explanation is derived from them: none of it may ping people, forge links or
 * break out of a code block in the approval message.
 */

import { escapeText, ZWSP } from '../../workflows/domain/slack-text';

export { escapeText };
const MAX_URL = 600;

/** Escaped text for inside a ``` block: a backtick can no longer start a closing fence. */
export function escapeCode(s: string): string {
  return escapeText(s).replace(/`/g, `\`${ZWSP}`);
}

/** Escaped text for inline `code`: backticks would end it, so they become a look-alike. */
export function escapeInlineCode(s: string): string {
  return escapeText(s).replace(/`/g, 'ˋ').replace(/\s+/g, ' ');
}

/**
 * Cuts escaped text to at most `max` characters without splitting an `&amp;`-style entity
 * or a surrogate pair, appending `suffix` (counted in `max`) when something was cut.
 */
export function clip(s: string, max: number, suffix = '…'): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - suffix.length));
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + suffix;
}

/**
 * A clickable `<url|label>` for http(s) URLs; anything else is shown as inline code. The
 * characters that end a Slack link are percent-encoded so the URL cannot smuggle a label.
 */
export function link(url: string, label: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `\`${escapeInlineCode(clip(url, 300))}\``;
  }
  const safeUrl = parsed.href.replace(/[|<>\s]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
  // A cut URL would lead somewhere else: overlong ones are shown, not linked.
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || safeUrl.length > MAX_URL)
    return `\`${escapeInlineCode(clip(url, 300))}\``;
  return `<${safeUrl}|${escapeText(label).replace(/\|/g, '¦')}>`;
}

/**
 * A date Slack renders in each reader's time zone, with the ISO text as fallback. Unparsable
 * input is shown escaped, as given.
 */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeText(iso);
  const fallback = new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${fallback}>`;
}
