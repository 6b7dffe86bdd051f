import { describe, expect, it } from 'vitest';
import { debtDigestBlocks, type DebtDigestView } from '../../../activities/slack/debt-digest-blocks';
import { MAX_TOP_N, debtItemId, type DebtItem } from '../../../workflows/domain/debt';

const AT = '2025-01-13T09:00:00.000Z';
const item = (n: number, over: Partial<DebtItem> = {}): DebtItem => ({
  id: debtItemId(`src/f${n}.ts`, `t${n}`),
  file: `src/f${n}.ts`,
  line: n,
  title: `t${n}`,
  why: 'w'.repeat(5_000),
  effort: 'L',
  risk: 'high',
  status: 'open',
  firstSeen: AT,
  lastSeen: AT,
  ...over,
});
const view = (items: DebtItem[], resolved: DebtItem[] = [], fixable = true): DebtDigestView => ({
  scan: {
    repository: 'shop-api',
    commit: 'a'.repeat(40),
    scannedAt: AT,
    workflowId: 'p-debt-scan-shop-api-x',
    items,
    resolved,
    costUsd: 0.1,
  },
  scanUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/p-debt-scan-shop-api-x/r1/history',
  workflowUrl: (id) => `http://127.0.0.1:8233/namespaces/default/workflows/${id}`,
  fixable,
});
type Block = { type: string; text?: { text: string }; accessory?: { value: string; text: { text: string } } };

describe('the debt digest', () => {
  it('stays within Block Kit limits at the most items a scan may report, every button value included', () => {
    const resolved = Array.from({ length: 40 }, (_, i) => item(100 + i, { status: 'resolved', resolvedAt: AT }));
    const { blocks } = debtDigestBlocks(
      view(
        Array.from({ length: MAX_TOP_N }, (_, i) => item(i + 1)),
        resolved,
      ),
    );
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks as Block[]) {
      expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(b.type === 'header' ? 150 : 3_000);
      if (b.accessory) expect(b.accessory.value.length).toBeLessThanOrEqual(2_000);
    }
    const buttons = (blocks as Block[]).filter((b) => b.accessory);
    expect(buttons).toHaveLength(MAX_TOP_N);
    expect(buttons.every((b) => b.accessory!.text.text === 'Fix this')).toBe(true);
    const last = (blocks as Block[]).at(-1)!.text!.text;
    expect(last).toMatch(/^\*Resolved since the last scan\*/);
    expect(last).toContain('… and 25 more');
  });

  it('escapes what the model and the repository wrote, and links related errors to their runs', () => {
    const { blocks } = debtDigestBlocks(
      view([
        item(1, {
          title: '<!channel> <https://evil.example|click>',
          why: 'ping @here & <@U123>',
          relatedErrors: [{ workflowId: 'p-shop-api-abc', errorType: 'TypeError', frame: 'src/f1.ts:x' }],
          firstSeen: '2025-01-06T09:00:00.000Z',
        }),
      ]),
    );
    const text = (blocks as Block[]).find((b) => b.accessory)!.text!.text;
    expect(text).toContain('*1. &lt;!channel&gt; &lt;https://evil.example|click&gt;*');
    expect(text).not.toContain('(new)');
    expect(text).toContain('ping @\u200Bhere &amp; &lt;@U123&gt;');
    expect(text).toContain(
      'Production errors here: <http://127.0.0.1:8233/namespaces/default/workflows/p-shop-api-abc|TypeError>',
    );
  });

  it('offers no Fix this for a repository fix runs do not work on, and says when nothing was found', () => {
    const { text, blocks } = debtDigestBlocks(view([], [], false));
    expect(text).toBe('Technical debt in shop-api: 0 open items');
    expect((blocks as Block[]).some((b) => b.accessory)).toBe(false);
    expect((blocks as Block[]).some((b) => b.text?.text === 'No debt items found in this scan.')).toBe(true);
    const other = debtDigestBlocks(view([item(1)], [], false)).blocks as Block[];
    expect(other.some((b) => b.accessory)).toBe(false);
  });
});
