/**
 * Text from production, GitHub or Cursor shown in Slack mrkdwn (messages and thread replies):
 * escaped so it cannot ping people, forge links or dates. Pure, so the workflow composing a
 * thread reply can escape what it quotes.
 */
export const ZWSP = '\u200B';

/**
 * Escapes `&`, `<`, `>` (what Slack parses as mentions, links and dates) and breaks the
 * plain-text broadcasts `@channel` / `@here` / `@everyone`.
 */
export function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, `@${ZWSP}$1`);
}
