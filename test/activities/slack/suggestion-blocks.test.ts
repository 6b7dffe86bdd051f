import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, suggestionBlocks } from '../../../activities/slack/suggestion-blocks';
import { sampleView } from './sample-view';

type AnyBlock = {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { type: string; text?: string | { text: string }; action_id?: string; style?: string; value?: string }[];
};

const blocksOf = (view = sampleView()) => suggestionBlocks(view).blocks as AnyBlock[];
const sectionTexts = (blocks: AnyBlock[]) => blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
const allText = (blocks: AnyBlock[]) => JSON.stringify(blocks);
const contextTexts = (blocks: AnyBlock[]) =>
  blocks
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')));

describe('suggestionBlocks', () => {
  it('awaiting: Approve and Reject buttons carrying the workflow id', () => {
    const blocks = blocksOf();
    const actions = blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    const buttons = actions[0]?.elements ?? [];
    expect(
      buttons.map((b) => [typeof b.text === 'object' ? b.text.text : b.text, b.style, b.action_id, b.value]),
    ).toEqual([
      ['Approve', 'primary', 'bugfix_approve', 'bugfix-checkout-3f9a1c2b'],
      ['Reject', 'danger', 'bugfix_reject', 'bugfix-checkout-3f9a1c2b'],
    ]);
  });

  it('with triage: the category and confidence at a glance, and a third button, Not a code bug', () => {
    const triage = {
      category: 'code-defect' as const,
      severity: 'high' as const,
      fixableByCode: true,
      confidence: 0.83,
      rationale: 'A missing <guard> on the address.',
      examplesUsed: 2,
      costUsd: 0.001,
    };
    const blocks = suggestionBlocks({ ...sampleView(), triage }).blocks as AnyBlock[];
    expect(allText(blocks)).toContain(':bug: *Triage:* code-defect · high · 83 % · fixable by code');
    expect(allText(blocks)).toContain('A missing &lt;guard&gt; on the address.');
    const buttons = blocks.find((b) => b.type === 'actions')?.elements ?? [];
    expect(buttons.map((b) => b.action_id)).toEqual(['bugfix_approve', 'bugfix_reject', 'bugfix_not_code']);
  });

  it('shows header, occurrences, samples, explanation, diff, cost and the run link', () => {
    const { text, blocks } = suggestionBlocks(sampleView());
    expect(text).toContain('checkout');
    expect(text).toContain('awaiting approval');
    const header = (blocks as AnyBlock[])[0];
    expect(header?.type).toBe('header');
    expect(header?.text?.text).toBe('Bug fix: checkout — TypeError');
    const all = allText(blocks as AnyBlock[]);
    expect(all).toContain('*Occurrences*\\n42');
    expect(all).toContain('<https://shop.example.com/cart?id=17|');
    expect(all).toContain('`user-17`');
    expect(all).toContain('`7a1b2c3d4e5f`');
    expect(all).toContain('<https://app.datadoghq.com/monitors/123|Datadog alert>');
    expect(all).toContain('<!date^1712311200^');
    const diff = sectionTexts(blocks as AnyBlock[]).find((t) => t.startsWith('*Proposed diff*'));
    expect(diff).toContain('+  return items.filter((i) =&gt; i.product)');
    expect(diff).not.toContain('more lines not shown');
    expect(contextTexts(blocks as AnyBlock[]).join('\n')).toMatch(/7 turns · \$0\.42 USD/);
    expect(all).toContain(
      '<http://127.0.0.1:8233/namespaces/default/workflows/bugfix-checkout-3f9a1c2b|View run in Temporal>',
    );
  });

  it('names every changed file; names that cannot fit are counted and left to the attached diff', () => {
    const view = sampleView();
    const files = Array.from({ length: 13 }, (_, i) => `src/module${i}.ts`);
    view.fix = { ...view.fix!, filesTouched: files };
    const list = sectionTexts(blocksOf(view)).find((t) => t.startsWith('*Files changed (13)*'))!;
    expect(list).toContain('`src/module0.ts`, `src/module1.ts`');
    expect(list).toContain('`src/module12.ts`');
    expect(list).not.toContain('more');

    const many = Array.from({ length: 400 }, (_, i) => `src/deeply/nested/directory/module${i}.ts`);
    view.fix = { ...view.fix!, filesTouched: many };
    const long = sectionTexts(blocksOf(view)).find((t) => t.startsWith('*Files changed (400)*'))!;
    expect(long.length).toBeLessThanOrEqual(3000);
    const shown = long.match(/`[^`]+`/g)!.length;
    expect(long).toContain(` and ${400 - shown} more (all in the attached diff)`);
  });

  it('marks protected files apart, with the reason, whatever the state', () => {
    const view = sampleView();
    view.fix = { ...view.fix!, protectedFiles: [{ path: '.github/workflows/ci.yml', reason: 'CI configuration' }] };
    const warning = sectionTexts(blocksOf(view)).find((t) => t.includes('Protected files changed'))!;
    expect(warning).toContain('• `.github/workflows/ci.yml` (CI configuration)');
    expect(warning).toContain('only a protected-path approver can approve this fix');
  });

  it('truncates a long diff by whole lines and says how many are hidden', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `+ const value${i} = compute(${i}); // padding padding`);
    const view = sampleView();
    view.fix = { ...view.fix!, diff: lines.join('\n') + '\n' };
    const diff = sectionTexts(blocksOf(view)).find((t) => t.startsWith('*Proposed diff*'))!;
    expect(diff.length).toBeLessThanOrEqual(3000);
    const inBlock = diff.slice(diff.indexOf('```\n') + 4, diff.lastIndexOf('\n```')).split('\n');
    expect(inBlock[0]).toBe(lines[0]);
    expect(inBlock.at(-1)).toBe(lines[inBlock.length - 1]);
    const hidden = Number(/… (\d+) more lines not shown$/.exec(diff)?.[1]);
    expect(hidden).toBe(400 - inBlock.length);
    expect(hidden).toBeGreaterThan(0);
  });

  it('neutralises mentions, links and code-fence break-outs in production text', () => {
    const hostile =
      'boom <!channel> <@U024BE7LH> <!subteam^S123> @here @everyone <https://evil.example|your bank> ```\n*escaped* `x`';
    const view = sampleView({
      message: hostile,
      sampleUserIds: ['<@U999>'],
      sampleUrls: ['https://evil.example/a|Click here>'],
      identity: { ...sampleView().identity, errorType: '<!channel>' },
      notes: ['note <!here>'],
    });
    view.fix = { ...view.fix!, explanation: 'Claude says <!everyone> look', diff: '+ ``` injected\n+ <@U1>\n' };
    const { text, blocks } = suggestionBlocks(view);
    // The header is plain_text, which Slack never parses for mentions: shown as given.
    expect((blocks[0] as AnyBlock).text?.text).toBe('Bug fix: checkout — <!channel>');
    const all = allText((blocks as AnyBlock[]).slice(1)) + text;
    for (const bad of [
      '<!channel>',
      '<@U024BE7LH>',
      '<!subteam',
      '<!here>',
      '<!everyone>',
      '<@U999>',
      '<@U1>',
      '<https://evil.example|your bank>',
      '|Click here>',
    ]) {
      expect(all).not.toContain(bad);
    }
    expect(all).not.toMatch(/@(here|everyone)\b/);
    expect(all).toContain('&lt;!channel&gt;');
    // Exactly one opening and one closing fence in each code section.
    for (const t of sectionTexts(blocks as AnyBlock[]).filter((s) => s.includes('```'))) {
      expect(t.match(/```/g)).toHaveLength(2);
    }
    // The link is still a link, with the label-injecting characters encoded.
    expect(all).toContain('<https://evil.example/a%7CClick%20here%3E|');
  });

  it('stays within Slack limits however large the input', () => {
    const huge = 'x'.repeat(20_000);
    const view = sampleView({
      message: `${huge}&&&&`,
      identity: { ...sampleView().identity, service: 's'.repeat(500), errorType: 'E'.repeat(500) },
      sampleUrls: Array.from({ length: 20 }, (_, i) => `https://example.com/${i}/${'p'.repeat(i < 2 ? 500 : 5000)}`),
      sampleUserIds: Array.from({ length: 20 }, (_, i) => `user-${i}`),
      sampleTraceIds: Array.from({ length: 20 }, (_, i) => `trace-${i}`),
      notes: Array.from({ length: 30 }, (_, i) => `note ${i} ${huge}`),
    });
    view.fix = {
      ...view.fix!,
      explanation: huge,
      diff: Array.from({ length: 2000 }, () => huge.slice(0, 900)).join('\n'),
    };
    const blocks = blocksOf(view);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    for (const t of sectionTexts(blocks)) expect(t.length).toBeLessThanOrEqual(3000);
    for (const b of blocks.filter((x) => x.type === 'context')) expect(b.elements!.length).toBeLessThanOrEqual(10);
    for (const t of contextTexts(blocks)) expect(t.length).toBeLessThanOrEqual(2000);
    const samples = sectionTexts(blocks).find((t) => t.startsWith('*URLs:*'))!;
    // Two linkable URLs, a third too long to link is shown clipped, the rest left out.
    expect(samples.match(/<https:\/\/example\.com\//g)).toHaveLength(2);
    expect(samples).toContain('`https://example.com/2/ppp');
    expect(samples).not.toContain('example.com/3/');
    expect(samples).toContain('`user-2`');
    expect(samples).not.toContain('`user-3`');
    // The clipped message never ends in half an entity.
    expect(sectionTexts(blocks)[0]).not.toMatch(/&[a-z]*…/);
  });

  it('says so when Claude produced nothing, and shows the notes', () => {
    const blocks = blocksOf(
      sampleView({ fix: undefined, notes: ['Datadog logs unavailable (403): suggestion based on the webhook alone'] }),
    );
    expect(sectionTexts(blocks).join('\n')).toContain('produced no suggestion');
    expect(sectionTexts(blocks).some((t) => t.startsWith('*Proposed diff*'))).toBe(false);
    expect(contextTexts(blocks).join('\n')).toContain('Datadog logs unavailable (403)');
  });

  it.each([
    [
      { kind: 'approved', by: 'Ada Lovelace', at: '2024-04-05T12:00:00Z' },
      /Approved by \*Ada Lovelace\* at <!date\^1712318400/,
    ],
    [
      { kind: 'rejected', by: 'Bob', at: '2024-04-05T12:00:00Z', reason: 'wrong <@U1> layer' },
      /Rejected by \*Bob\* at .* — wrong &lt;@U1&gt; layer/,
    ],
    [{ kind: 'expired', at: '2024-04-05T12:00:00Z' }, /Expired at <!date\^1712318400.* without a decision/],
    [{ kind: 'failed', reason: 'clone failed' }, /Failed: clone failed/],
  ] as const)('state %o replaces the buttons with a context line', (state, expected) => {
    const blocks = blocksOf(sampleView({ state }));
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(contextTexts(blocks).at(-1)).toMatch(expected);
  });
});
