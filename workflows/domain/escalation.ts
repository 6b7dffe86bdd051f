import { escapeText } from './slack-text';

/**
 * Escalation to people: who owns a service, who is told when the pipeline cannot or should not
 * go on alone, and the ladder an unanswered approval climbs. Pure and deterministic: the
 * workflow imports it, and the configuration validates against the same rules.
 */

/** A Slack user (`U…`, `W…` on Enterprise Grid) or user group (`S…`). */
export type SlackTarget = string;

/** One rung of the ladder for an unanswered approval; `afterMs` defaults to the reminder interval. */
export interface EscalationLevel {
  notify: SlackTarget[];
  afterMs?: number;
}

export interface EscalationPolicy {
  /** Told at once when a run escalates for any reason but `no-answer` (level 0). */
  owners: SlackTarget[];
  /** Levels 1..n for an approval nobody answers, in order. */
  levels: EscalationLevel[];
  /** The last level (n + 1) when set: a PagerDuty incident on this integration. */
  pagerDuty?: { routingKey: string; afterMs?: number };
  /** Add the CODEOWNERS of the stack trace's files to the owners. */
  codeowners?: boolean;
  /** Where an escalated run may open a Jira issue for the owning team. */
  jiraProject?: string;
}

/** By service name, `*` pattern (`payments-*`) or `default`. */
export type EscalationPolicies = Record<string, EscalationPolicy>;

export const ESCALATION_REASONS = [
  'not-fixable-by-code',
  'no-fix',
  'checks-failed',
  'regression',
  'no-answer',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** One escalation, as the run's history and its Slack thread record it. */
export interface Escalation {
  /** 0: the owners; 1..n: the policy's levels; n + 1: PagerDuty. */
  level: number;
  reason: EscalationReason;
  /** One line of context (the classifier's rationale, the failed check...); may quote production text. */
  detail: string;
  /** Slack ids, and `pagerduty:<service>` for a PagerDuty incident. */
  notified: string[];
  /** ISO 8601. */
  at: string;
  pagerDutyDedupKey?: string;
}

/** A step of the no-answer ladder: whom to tell (or PagerDuty) and how long after the previous step. */
export interface LadderStep {
  level: number;
  afterMs: number;
  notify: SlackTarget[];
  pagerDuty: boolean;
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_GROUP = /^S[A-Z0-9]{2,}$/;
const PAGERDUTY_PREFIX = 'pagerduty:';

export function isSlackTarget(id: string): boolean {
  return SLACK_USER.test(id) || SLACK_GROUP.test(id);
}

/**
 * The policy of `service`: its exact name first, then the `*` pattern matching it with the most
 * literal characters (the most specific; ties go to the one listed first), then `default`.
 */
export function policyFor(policies: EscalationPolicies, service: string): EscalationPolicy | undefined {
  if (Object.hasOwn(policies, service) && !service.includes('*')) return policies[service];
  let best: { policy: EscalationPolicy; literal: number } | undefined;
  for (const [pattern, policy] of Object.entries(policies)) {
    if (!pattern.includes('*') || !globMatches(pattern, service)) continue;
    const literal = pattern.replace(/\*/g, '').length;
    if (!best || literal > best.literal) best = { policy, literal };
  }
  return best?.policy ?? (Object.hasOwn(policies, 'default') ? policies.default : undefined);
}

/** `*` matches any run of characters (service names have no path structure); everything else is literal. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(value);
}

/**
 * The ladder an unanswered approval climbs: each level of the policy, then PagerDuty when
 * configured. Each step's delay counts from the previous one.
 */
export function noAnswerLadder(policy: EscalationPolicy, reminderIntervalMs: number): LadderStep[] {
  const steps: LadderStep[] = policy.levels.map((l, i) => ({
    level: i + 1,
    afterMs: l.afterMs ?? reminderIntervalMs,
    notify: [...l.notify],
    pagerDuty: false,
  }));
  if (policy.pagerDuty) {
    steps.push({
      level: steps.length + 1,
      afterMs: policy.pagerDuty.afterMs ?? reminderIntervalMs,
      notify: [],
      pagerDuty: true,
    });
  }
  return steps;
}

/** The owners plus those CODEOWNERS named (when the policy asks for them), once each, in that order. */
export function ownersToNotify(policy: EscalationPolicy, codeOwnerTargets: readonly SlackTarget[] = []): SlackTarget[] {
  return [...new Set([...policy.owners, ...(policy.codeowners ? codeOwnerTargets : [])])];
}

/** What `notified` holds for a PagerDuty incident. */
export function pagerDutyTarget(service: string): string {
  return `${PAGERDUTY_PREFIX}${service}`;
}

/**
 * Slack mrkdwn for the targets: `<@U123>`, `<!subteam^S123>`, "PagerDuty (service)". Anything
 * else is shown as escaped text, never as a mention.
 */
export function mentionsOf(targets: readonly string[]): string {
  return targets
    .map((t) => {
      if (SLACK_USER.test(t)) return `<@${t}>`;
      if (SLACK_GROUP.test(t)) return `<!subteam^${t}>`;
      if (t.startsWith(PAGERDUTY_PREFIX)) return `PagerDuty (${escapeText(t.slice(PAGERDUTY_PREFIX.length))})`;
      return escapeText(t);
    })
    .join(', ');
}

const REASON_TEXT: Record<EscalationReason, string> = {
  'not-fixable-by-code': 'triage says a code change cannot fix this',
  'no-fix': 'no fix could be produced',
  'checks-failed': 'the fix failed its checks',
  regression: 'the error came back after the fix',
  'no-answer': 'no answer',
};

/**
 * One Slack line: "Escalated to <!subteam^S1> (level 2): no answer after 2 reminders". The
 * detail is escaped: it may quote production text or a model's rationale.
 */
export function escalationText(esc: Escalation, opts: { reminders?: number } = {}): string {
  const where = esc.level === 0 ? 'the owners' : `level ${esc.level}`;
  let why = REASON_TEXT[esc.reason];
  if (esc.reason === 'no-answer' && opts.reminders !== undefined)
    why += ` after ${opts.reminders} reminder${opts.reminders === 1 ? '' : 's'}`;
  const detail = esc.detail.trim() ? ` (${escapeText(oneLine(esc.detail, 300))})` : '';
  if (!esc.notified.length) return `Nobody to escalate to (${where}): ${why}${detail}. Set an escalation policy.`;
  return `Escalated to ${mentionsOf(esc.notified)} (${where}): ${why}${detail}`;
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** PagerDuty's limit on a dedup key. */
export const PAGERDUTY_DEDUP_KEY_MAX = 255;

/**
 * The run's PagerDuty dedup key: the same for every event of one run (so a second trigger joins
 * its incident and the resolve closes it), different between runs. Over 255 characters the
 * workflow id is cut and a hash of all of it keeps keys apart.
 */
export function pagerDutyDedupKey(workflowId: string): string {
  const key = `bugfix/${workflowId}`;
  if (key.length <= PAGERDUTY_DEDUP_KEY_MAX) return key;
  const hash = `~${fnv1a(workflowId)}`;
  return key.slice(0, PAGERDUTY_DEDUP_KEY_MAX - hash.length) + hash;
}

/** 32-bit FNV-1a over UTF-16 code units, as 8 hex digits: deterministic, no Node built-ins. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
