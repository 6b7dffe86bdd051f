import { describe, expect, it } from 'vitest';
import { adfCodeBlocks, adfToText, textToAdf, type AdfNode } from '../../../workflows/domain/adf';

const doc = (...content: AdfNode[]) => ({ type: 'doc', version: 1, content });
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const t = (text: string): AdfNode => ({ type: 'text', text });

const stack = "TypeError: Cannot read properties of undefined (reading 'id')\n    at handler (/app/src/orders.ts:12:5)";

describe('adfToText', () => {
  it('renders paragraphs, breaks, headings, code, lists, quotes, mentions and cards', () => {
    const text = adfToText(
      doc(
        { type: 'heading', attrs: { level: 2 }, content: [t('Checkout fails')] },
        p(t('Seen by '), { type: 'mention', attrs: { id: 'abc', text: '@Alice' } }, { type: 'hardBreak' }, t('twice')),
        { type: 'codeBlock', attrs: { language: 'text' }, content: [t(stack)] },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [p(t('one'))] },
            { type: 'listItem', content: [p(t('two'))] },
          ],
        },
        { type: 'orderedList', content: [{ type: 'listItem', content: [p(t('first'))] }] },
        { type: 'blockquote', content: [p(t('quoted'))] },
        p({ type: 'inlineCard', attrs: { url: 'https://status.example.com/1' } }),
        p({ type: 'text', text: 'the log', marks: [{ type: 'link', attrs: { href: 'https://logs.example/x' } }] }),
      ),
    );
    expect(text).toBe(
      [
        '## Checkout fails',
        'Seen by @Alice\ntwice',
        '```text\n' + stack + '\n```',
        '- one\n- two',
        '1. first',
        '> quoted',
        'https://status.example.com/1',
        'the log (https://logs.example/x)',
      ].join('\n\n'),
    );
  });

  it('keeps code verbatim, and bounds the output', () => {
    const long = 'x'.repeat(50_000);
    const text = adfToText(doc(p(t(long)), p(t('after'))), 1000);
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text.endsWith('…[truncated]')).toBe(true);
    expect(adfCodeBlocks(doc(p(t('x')), { type: 'codeBlock', content: [t(stack)] }))).toEqual([stack]);
  });

  it('survives junk: non-nodes, deep nesting, unknown types', () => {
    expect(adfToText(null)).toBe('');
    expect(adfToText({ type: 'doc', content: [42, 'x', { nope: 1 }] })).toBe('');
    let deep: AdfNode = t('bottom');
    for (let i = 0; i < 500; i++) deep = { type: 'blockquote', content: [deep] };
    expect(() => adfToText(doc(deep))).not.toThrow();
    expect(adfToText(doc({ type: 'panel', content: [p(t('inside'))] }))).toBe('inside');
    expect(adfToText('plain wiki text')).toBe('plain wiki text');
  });
});

describe('textToAdf', () => {
  it('makes paragraphs, fenced code blocks, bullet lists and links', () => {
    const adf = textToAdf(
      'Fix ready\nsee https://ci.example/run/1.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n- one\n- two',
    );
    expect(adf).toEqual({
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            t('Fix ready'),
            { type: 'hardBreak' },
            t('see '),
            {
              type: 'text',
              text: 'https://ci.example/run/1',
              marks: [{ type: 'link', attrs: { href: 'https://ci.example/run/1' } }],
            },
            t('.'),
          ],
        },
        { type: 'codeBlock', attrs: { language: 'ts' }, content: [t('const a = 1;\n\nconst b = 2;')] },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [p(t('one'))] },
            { type: 'listItem', content: [p(t('two'))] },
          ],
        },
      ],
    });
  });

  it('round-trips through adfToText', () => {
    const text = 'Hello\n\n```\n' + stack + '\n```\n\n- a\n- b';
    expect(adfToText(textToAdf(text))).toBe(text);
    expect(textToAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
  });
});
