import type { SuggestionView } from '../../../activities/slack/suggestion-blocks';

/** A realistic approval message's data; override what a test is about. */
export function sampleView(overrides: Partial<SuggestionView> = {}): SuggestionView {
  return {
    workflowId: 'bugfix-checkout-3f9a1c2b',
    runUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/bugfix-checkout-3f9a1c2b',
    identity: {
      fingerprint: '3f9a1c2b7d4e',
      service: 'checkout',
      errorType: 'TypeError',
      normalizedMessage: "Cannot read properties of undefined (reading '<str>')",
      topFrames: ['src/cart/total.ts:computeTotal'],
      language: 'node',
    },
    message: "TypeError: Cannot read properties of undefined (reading 'price')",
    occurrences: 42,
    firstSeen: '2024-04-05T10:00:00.000Z',
    lastSeen: '2024-04-05T11:30:00.000Z',
    sampleUrls: ['https://shop.example.com/cart?id=17'],
    sampleUserIds: ['user-17'],
    sampleTraceIds: ['7a1b2c3d4e5f'],
    alertLink: 'https://app.datadoghq.com/monitors/123',
    fix: {
      explanation: 'The cart total read `item.price` on items removed from the catalogue; skip them.',
      diff: [
        'diff --git a/src/cart/total.ts b/src/cart/total.ts',
        '--- a/src/cart/total.ts',
        '+++ b/src/cart/total.ts',
        '@@ -10,3 +10,3 @@',
        '-  return items.reduce((s, i) => s + i.product.price, 0);',
        '+  return items.filter((i) => i.product).reduce((s, i) => s + i.product.price, 0);',
        '',
      ].join('\n'),
      filesTouched: ['src/cart/total.ts'],
      turns: 7,
      costUsd: 0.4213,
      sessionId: 'sess-1',
      baseCommit: '0123456789abcdef0123456789abcdef01234567',
    },
    notes: [],
    state: { kind: 'awaiting' },
    ...overrides,
  };
}
