import { describe, expect, it } from 'vitest';
import { escapeText } from '../../../workflows/domain/slack-text';

describe('text quoted into Slack is inert', () => {
  it('cannot ping, link or mention', () => {
    const hostile = '<!channel> see <https://evil.example|your bank> and @here, <@U0ADMIN>';
    const out = escapeText(hostile);
    expect(out).not.toMatch(/<[!@h]/);
    expect(out).not.toMatch(/@here\b/);
    expect(out).toContain('&lt;!channel&gt;');
  });
});
