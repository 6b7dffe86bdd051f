import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/web-api';
import type { ErrorIdentity, FixSuggestion } from '../../workflows/domain/types';
import {
  APPROVE_ACTION_ID,
  DECISION_BLOCK_ID,
  NOT_CODE_ACTION_ID,
  REJECT_ACTION_ID,
} from '../../workflows/domain/slack-actions';
import { triageLine, type Triage } from '../../workflows/domain/triage';
import { clip, escapeCode, escapeInlineCode, escapeText, link, slackDate } from './mrkdwn';
import { testEvidenceBlocks } from './test-evidence-blocks';

export type SuggestionState =
  | { kind: 'awaiting' }
  | { kind: 'approved'; by: string; at: string }
  | { kind: 'rejected'; by: string; at: string; reason?: string }
  | { kind: 'expired'; at: string }
  /** Nobody may approve this fix here (protected files or too large); the notes say why. */
  | { kind: 'refused' }
  | { kind: 'failed'; reason: string }
  /** The fix shipped but the error came back: the same buttons now decide on a revert. */
  | { kind: 'revert-awaiting'; recurrences: number; causedErrors?: number }
  /** The revert is open or deployed: followed to production (automatically under ROLLBACK_POLICY=auto). */
  | { kind: 'rolling-back'; verifying: boolean }
  /** Cursor's pull request differs from the approved fix; the same buttons adopt it or leave it. */
  | { kind: 'adopt-awaiting'; differences: number }
  /** The PR step failed; the same buttons retry it or give up. */
  | { kind: 'retry-awaiting'; reason: string }
  /** Not a code defect (triage or a person said so): handed to people, no fix. */
  | { kind: 'escalated'; category: string };

/** Everything the approval message shows; plain data so a workflow can hand it to an activity. */
export interface SuggestionView {
  workflowId: string;
  /** Tells apart reruns under the same workflow id: each run gets its own message. */
  runId?: string;
  /** Link to the run in the Temporal Web UI. */
  runUrl: string;
  identity: ErrorIdentity;
  /** A representative, raw (untrusted) error message. */
  message: string;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  sampleUrls: string[];
  sampleUserIds: string[];
  sampleTraceIds: string[];
  alertLink?: string;
  /** What Datadog's logs added, e.g. "Enriched from 3 Datadog log event(s) of 5 scanned." */
  logsSummary?: string;
  /** What kind of error the classifier says this is. */
  triage?: Triage;
  /** Related fingerprints (same root cause) that joined this run. */
  related?: number;
  /** Absent when Claude produced nothing. */
  fix?: FixSuggestion;
  /** Caveats shown to the reviewer, e.g. a data source that was unavailable. */
  notes: string[];
  /** What happened after approval (pull request, merge, deploy, verification), oldest first. */
  progress?: { text: string; url?: string }[];
  state: SuggestionState;
}

/** Slack's documented limits for what this message uses. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  contextText: 2000,
  sampleCount: 3,
};

const MAX_LINE = 400;

/** Builds the approval message: a pure function of the view, so any state can be re-rendered. */
export function suggestionBlocks(view: SuggestionView): { text: string; blocks: KnownBlock[] } {
  const { identity } = view;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(`Bug fix: ${identity.service} — ${identity.errorType}`, SLACK_LIMITS.headerText),
        emoji: false,
      },
    },
    section(codeSection('*Error message*', view.message)),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Occurrences*\n${view.occurrences}` },
        { type: 'mrkdwn', text: `*Fingerprint*\n\`${escapeInlineCode(clip(identity.fingerprint, 100))}\`` },
        { type: 'mrkdwn', text: `*First seen*\n${slackDate(view.firstSeen)}` },
        { type: 'mrkdwn', text: `*Last seen*\n${slackDate(view.lastSeen)}` },
      ],
    },
  ];
  if (view.triage) blocks.push(section(triageText(view.triage, view.related)));
  const samples = samplesText(view);
  if (samples) blocks.push(section(samples));
  blocks.push({ type: 'divider' });
  blocks.push(...fixBlocks(view.fix));
  if (view.notes.length) blocks.push(context(view.notes.map((n) => `:warning: ${escapeText(n)}`)));
  blocks.push(
    context([`${link(view.runUrl, 'View run in Temporal')} · \`${escapeInlineCode(clip(view.workflowId, 200))}\``]),
  );
  if (view.progress?.length)
    blocks.push(
      context(
        view.progress
          .slice(-SLACK_LIMITS.contextElements)
          .map((p) => (p.url ? link(p.url, clip(p.text, 300)) : escapeText(p.text))),
      ),
    );
  blocks.push(stateBlock(view));
  return { text: clip(fallbackText(view), 3000), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

/** Notification text (also what screen readers and old clients show). */
function fallbackText(view: SuggestionView): string {
  const what = `${escapeText(view.identity.service)}: ${escapeText(clip(view.identity.errorType, 200))}`;
  const status: Record<SuggestionState['kind'], string> = {
    awaiting: 'awaiting approval',
    approved: 'approved',
    rejected: 'rejected',
    expired: 'expired',
    refused: 'refused',
    failed: 'failed',
    'revert-awaiting': 'regressed, revert awaiting approval',
    'rolling-back': 'rolling back',
    'retry-awaiting': 'pull request step failed, retry?',
    'adopt-awaiting': 'pull request differs from the approved fix',
    escalated: 'not a code bug, escalated',
  };
  const state = view.state;
  const said =
    state.kind === 'revert-awaiting' && state.causedErrors
      ? `the fix caused ${state.causedErrors} new error(s), revert awaiting approval`
      : status[state.kind];
  return `Bug fix suggestion for ${what} (${view.occurrences} occurrences) — ${said}`;
}

/** The category and confidence at a glance; the rationale is the model's words about production text. */
function triageText(t: Triage, related = 0): string {
  const icon = t.category === 'code-defect' ? ':bug:' : ':rotating_light:';
  const joined = related ? `\n_${related} related error(s) with the same root cause joined this run_` : '';
  return `${icon} *Triage:* ${triageLine(t)}\n${escapeText(clip(t.rationale, MAX_LINE))}${joined}`;
}

function section(text: string): SectionBlock {
  // verbatim: Slack must not auto-link URLs or resolve @names in text we do not control.
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText), verbatim: true } };
}

function context(texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn', text: clip(t, SLACK_LIMITS.contextText), verbatim: true })),
  };
}

function codeSection(title: string, raw: string): string {
  const open = `${title}\n\`\`\`\n`;
  const close = '\n```';
  return open + clip(escapeCode(raw), SLACK_LIMITS.sectionText - open.length - close.length) + close;
}

function samplesText(view: SuggestionView): string {
  const n = SLACK_LIMITS.sampleCount;
  const code = (s: string) => `\`${escapeInlineCode(clip(s, 120))}\``;
  const lines: string[] = [];
  if (view.sampleUrls.length)
    lines.push(
      `*URLs:* ${view.sampleUrls
        .slice(0, n)
        .map((u) => link(u, clip(u, 120)))
        .join(', ')}`,
    );
  if (view.sampleUserIds.length) lines.push(`*Users:* ${view.sampleUserIds.slice(0, n).map(code).join(', ')}`);
  if (view.sampleTraceIds.length) lines.push(`*Traces:* ${view.sampleTraceIds.slice(0, n).map(code).join(', ')}`);
  if (view.alertLink) lines.push(link(view.alertLink, 'Datadog alert'));
  if (view.logsSummary) lines.push(`_${escapeText(view.logsSummary)}_`);
  return lines.join('\n');
}

function fixBlocks(fix: FixSuggestion | undefined): KnownBlock[] {
  if (!fix) return [section('*Suggested fix*\n_Claude Code produced no suggestion._')];
  const blocks: KnownBlock[] = [
    ...testEvidenceBlocks(fix.tests),
    section(`*Suggested fix*\n${escapeText(fix.explanation)}`),
  ];
  const guarded = fix.protectedFiles ?? [];
  if (guarded.length)
    blocks.push(
      section(
        `:rotating_light: *Protected files changed* — only a protected-path approver can approve this fix:\n${guarded
          .map((g) => `• \`${escapeInlineCode(clip(g.path, 200))}\` (${escapeText(g.reason)})`)
          .join('\n')}`,
      ),
    );
  if (fix.filesTouched.length) blocks.push(section(filesText(fix.filesTouched)));
  if (fix.diff.trim()) {
    blocks.push(section(diffSection('*Proposed diff*', fix.diff)));
  } else if (fix.oversized) {
    blocks.push(section(`_The diff (${Math.ceil(fix.oversized.bytes / 1024)} KB) is over FIX_MAX_DIFF_BYTES._`));
  } else {
    blocks.push(section('_Claude Code changed no files._'));
  }
  const base = fix.baseCommit ? ` · base \`${escapeInlineCode(fix.baseCommit.slice(0, 12))}\`` : '';
  blocks.push(context([`Claude Code · ${fix.turns} turns · $${fix.costUsd.toFixed(2)} USD${base}`]));
  return blocks;
}

/**
 * Every changed file by name. Names that do not fit in one section are counted; the full diff,
 * attached in the thread whenever the message cannot show it all, names them all.
 */
export function filesText(files: string[]): string {
  const title = `*Files changed (${files.length})*\n`;
  const budget = SLACK_LIMITS.sectionText - title.length - 60;
  const shown: string[] = [];
  let used = 0;
  for (const f of files) {
    const name = `\`${escapeInlineCode(clip(f, 300))}\``;
    if (used + name.length + 2 > budget) break;
    shown.push(name);
    used += name.length + 2;
  }
  const more = files.length - shown.length;
  return title + shown.join(', ') + (more ? ` and ${more} more (all in the attached diff)` : '');
}

/** True when the message cannot show the whole diff, so the full diff goes to the thread as a file. */
export function diffFits(diff: string): boolean {
  const clipped = diff.split('\n').some((line) => escapeCode(line).length > MAX_LINE);
  return !clipped && !/\n… \d+ more lines not shown$/.test(diffSection('*Proposed diff*', diff));
}

/** The diff in a code block, whole lines only, with a count of what did not fit. */
export function diffSection(title: string, diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  const open = `${clip(title, 1000)}\n\`\`\`\n`;
  const close = '\n```';
  // Reserve room for the longest possible "not shown" note before knowing the count.
  const reserve = `\n… ${lines.length} more lines not shown`.length;
  const budget = SLACK_LIMITS.sectionText - open.length - close.length - reserve;
  const shown: string[] = [];
  let used = 0;
  for (const line of lines) {
    const escaped = clip(escapeCode(line), MAX_LINE);
    const cost = escaped.length + (shown.length ? 1 : 0);
    if (used + cost > budget) break;
    shown.push(escaped);
    used += cost;
  }
  const hidden = lines.length - shown.length;
  return open + shown.join('\n') + close + (hidden ? `\n… ${hidden} more lines not shown` : '');
}

function stateBlock(view: SuggestionView): ActionsBlock | ContextBlock {
  const s = view.state;
  switch (s.kind) {
    case 'awaiting':
      // With triage on, a third button corrects it (and rejects the fix).
      return decisionButtons(
        view,
        { text: 'Approve', style: 'primary' },
        { text: 'Reject', style: 'danger' },
        view.triage !== undefined,
      );
    case 'escalated':
      return context([
        `:rotating_light: Not a code bug (${escapeText(s.category)}): handed to the service's owners, no fix attempted`,
      ]);
    case 'approved':
      return context([`:white_check_mark: Approved by *${escapeText(s.by)}* at ${slackDate(s.at)}`]);
    case 'rejected':
      return context([
        `:x: Rejected by *${escapeText(s.by)}* at ${slackDate(s.at)}${s.reason ? ` — ${escapeText(s.reason)}` : ''}`,
      ]);
    case 'expired':
      return context([`:hourglass: Expired at ${slackDate(s.at)} without a decision`]);
    case 'refused':
      return context([':no_entry: Refused: this fix cannot be approved here (see the note above)']);
    case 'failed':
      return context([`:warning: Failed: ${escapeText(s.reason)}`]);
    case 'rolling-back':
      return context([
        s.verifying
          ? ':rewind: Rolled back: watching production for the new errors to stop'
          : ':rewind: Rolling back: the revert is on its way to production',
      ]);
    case 'revert-awaiting':
      return decisionButtons(view, { text: 'Approve revert', style: 'danger' }, { text: 'Keep the fix' });
    case 'retry-awaiting':
      return decisionButtons(view, { text: 'Retry', style: 'primary' }, { text: 'Give up' });
    case 'adopt-awaiting':
      return decisionButtons(view, { text: 'Adopt pull request', style: 'danger' }, { text: 'Leave it' });
  }
}

type Choice = { text: string; style?: 'primary' | 'danger' };

/** Every question a run asks uses the same two actions: yes goes to APPROVE, no to REJECT (the fix's approval adds NOT_CODE). */
function decisionButtons(view: SuggestionView, yes: Choice, no: Choice, notCode = false): ActionsBlock {
  const button = (actionId: string, c: Choice) => ({
    type: 'button' as const,
    action_id: actionId,
    ...(c.style ? { style: c.style } : {}),
    value: view.workflowId,
    text: { type: 'plain_text' as const, text: c.text },
  });
  return {
    type: 'actions',
    block_id: DECISION_BLOCK_ID,
    // "Not a code bug" is a rejection that also corrects the triage: the classifier learns from it.
    elements: [
      button(APPROVE_ACTION_ID, yes),
      button(REJECT_ACTION_ID, no),
      ...(notCode ? [button(NOT_CODE_ACTION_ID, { text: 'Not a code bug' })] : []),
    ],
  };
}
