import type { KnownBlock, SectionBlock } from '@slack/web-api';
import { fixDebtValue, type DebtItem, type DebtScan } from '../../workflows/domain/debt';
import { FIX_DEBT_ACTION_ID } from '../../workflows/domain/slack-actions';
import { clip, escapeInlineCode, escapeText, link, slackDate } from './mrkdwn';

/** What the digest shows beside the scan itself. */
export interface DebtDigestView {
  scan: DebtScan;
  /** The scan's run in the Web UI. */
  scanUrl: string;
  /** A bugfix run's page in the Web UI, for related errors. */
  workflowUrl: (workflowId: string) => string;
  /** Fix runs work on GIT_REPO_URL's repository: other repositories' items get no "Fix this". */
  fixable: boolean;
}

const MAX_WHY = 1_200;
const MAX_RELATED_SHOWN = 3;
const MAX_RESOLVED_SHOWN = 15;

/**
 * One message per scan: a header, a summary, one section per open item (file:line, why, effort, risk,
 * related production errors, and a "Fix this" button), and the items resolved by this scan, briefly.
 * Everything the model or the repository wrote is escaped.
 */
export function debtDigestBlocks(view: DebtDigestView): { text: string; blocks: KnownBlock[] } {
  const { scan } = view;
  const resolvedNow = scan.resolved.filter((i) => i.resolvedAt === scan.scannedAt);
  const fresh = scan.items.filter((i) => i.firstSeen === scan.scannedAt).length;
  const text = `Technical debt in ${scan.repository}: ${count(scan.items.length, 'open item')}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(text, 150), emoji: false } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: [
            `Scanned ${slackDate(scan.scannedAt)} at commit \`${escapeInlineCode(scan.commit.slice(0, 12))}\``,
            `${fresh} new, ${resolvedNow.length} resolved since the last scan`,
            link(view.scanUrl, 'scan run'),
          ].join(' · '),
        },
      ],
    },
  ];
  if (!scan.items.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No debt items found in this scan.' } });
  scan.items.forEach((item, i) => blocks.push(itemSection(item, i + 1, view)));
  if (resolvedNow.length) {
    const lines = resolvedNow
      .slice(0, MAX_RESOLVED_SHOWN)
      .map((r) => `• ~${escapeText(r.title)}~ \`${escapeInlineCode(r.file)}\``);
    if (resolvedNow.length > MAX_RESOLVED_SHOWN) lines.push(`… and ${resolvedNow.length - MAX_RESOLVED_SHOWN} more`);
    blocks.push({ type: 'divider' });
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Resolved since the last scan*\n${lines.join('\n')}`, 3_000) },
    });
  }
  return { text, blocks };
}

function itemSection(item: DebtItem, n: number, view: DebtDigestView): SectionBlock {
  const related = item.relatedErrors ?? [];
  const lines = [
    `*${n}. ${escapeText(item.title)}*${item.firstSeen === view.scan.scannedAt ? ' _(new)_' : ''}`,
    `\`${escapeInlineCode(`${item.file}:${item.line}`)}\` · effort *${item.effort}* · risk *${item.risk}*`,
    clip(escapeText(item.why), MAX_WHY),
  ];
  if (related.length)
    lines.push(
      `Production errors here: ${related
        .slice(0, MAX_RELATED_SHOWN)
        .map((r) => link(view.workflowUrl(r.workflowId), r.errorType ?? r.workflowId))
        .join(', ')}${related.length > MAX_RELATED_SHOWN ? ` and ${related.length - MAX_RELATED_SHOWN} more` : ''}`,
    );
  return {
    type: 'section',
    block_id: `debt_${item.id}`,
    text: { type: 'mrkdwn', text: clip(lines.join('\n'), 3_000) },
    ...(view.fixable
      ? {
          accessory: {
            type: 'button',
            action_id: FIX_DEBT_ACTION_ID,
            text: { type: 'plain_text', text: 'Fix this', emoji: false },
            value: fixDebtValue(item, view.scan),
          },
        }
      : {}),
  };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
