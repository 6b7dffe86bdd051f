import type { KnownBlock } from '@slack/web-api';
import { evidenceHeadline, type TestEvidence, type TestVerdict } from '../../workflows/domain/test-evidence';
import { clip, escapeCode, escapeText } from './mrkdwn';

const ICON: Record<TestVerdict, string> = {
  reproduced: ':white_check_mark:',
  'not-reproduced': ':grey_question:',
  'breaks-tests': ':warning:',
  'fix-fails-test': ':warning:',
  'not-run': ':heavy_minus_sign:',
};

/**
 * The regression test at a glance, above the explanation: reproduced or not, on which commit, the
 * suite before and after; and the lines where the new test met the production error. Test names and
 * output come from code steered by production text: escaped like any production text.
 */
export function testEvidenceBlocks(tests: TestEvidence | undefined): KnownBlock[] {
  if (!tests) return [];
  const command = tests.command ? ` · \`${escapeText(clip(tests.command, 100)).replace(/`/g, "'")}\`` : '';
  const lines = [`${ICON[tests.verdict]} *Regression test* — ${escapeText(clip(evidenceHeadline(tests), 900))}`];
  if (tests.failureExcerpt && tests.verdict === 'reproduced')
    lines.push(`On the deployed commit:\n\`\`\`${escapeCode(clip(tests.failureExcerpt, 1_200))}\`\`\``);
  return [
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Sandboxed test runs (no network, no secrets)${command}` }] },
  ];
}
