import { z } from 'zod';
import { parseDuration } from './duration';
import { isSlackTarget, type EscalationPolicies } from '../../../workflows/domain/escalation';

/** Who is told when a run escalates, and how PagerDuty and CODEOWNERS are reached. */
export interface EscalationConfig {
  /** By service name, `*` pattern or `default`; empty: no escalation policy anywhere. */
  policies: EscalationPolicies;
  /** PagerDuty's Events API base URL (events.eu.pagerduty.com for EU accounts, or a fake). */
  pagerDutyEventsUrl: string;
  /** CODEOWNERS owners (`@org/team`, `@user`, an e-mail) to Slack ids. */
  codeownersSlack: Record<string, string>;
}

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

type Env = Record<string, string | undefined>;

const slackTarget = z.string().refine(isSlackTarget, 'expected a Slack user id (U…, W…) or user-group id (S…)');
const delay = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms =
    typeof value === 'number' ? (Number.isInteger(value) && value > 0 ? value : undefined) : parseDuration(value);
  if (ms === undefined)
    ctx.addIssue({ code: 'custom', message: 'expected milliseconds or a duration such as 30s, 15m, 4h' });
  return ms ?? 1;
});
const policySchema = z
  .object({
    owners: z.array(slackTarget).default([]),
    levels: z.array(z.object({ notify: z.array(slackTarget).min(1), afterMs: delay.optional() }).strict()).default([]),
    pagerDuty: z
      .object({
        // Never echoed: zod's messages do not include the value.
        routingKey: z.string().regex(/^[A-Za-z0-9]{32}$/, 'expected a 32-character integration (routing) key'),
        afterMs: delay.optional(),
      })
      .strict()
      .optional(),
    codeowners: z.boolean().optional(),
    jiraProject: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'expected a Jira project key such as PAY')
      .optional(),
  })
  .strict();
const policiesSchema = z.record(
  z.string().regex(/^(?:[\w.*-]+)$/, 'expected a service name, a pattern with * or "default"'),
  policySchema,
);

/**
 * The escalation settings from the environment; `policyFileText` is what ESCALATION_POLICY_FILE
 * holds (read by the caller, so this stays pure). Every problem is returned, naming the variable
 * and the path inside the JSON; values are not repeated (a routing key is a secret).
 */
export function escalationConfigFrom(
  env: Env,
  policyFileText?: string,
): { config: EscalationConfig; problems: string[] } {
  const problems: string[] = [];
  const str = (name: string) => env[name]?.trim() || undefined;

  let policies: EscalationPolicies = {};
  const inline = str('ESCALATION_POLICIES');
  const file = str('ESCALATION_POLICY_FILE');
  if (inline && file) problems.push('ESCALATION_POLICIES / ESCALATION_POLICY_FILE: set one or the other');
  const source = inline ? 'ESCALATION_POLICIES' : `ESCALATION_POLICY_FILE (${file})`;
  const text = inline ?? (file ? policyFileText : undefined);
  if (file && !inline && policyFileText === undefined) problems.push(`${source}: the file was not read`);
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      // V8 quotes the text around the error: the position alone, so no secret is repeated.
      const at = /position (\d+)/.exec((err as Error).message)?.[1];
      problems.push(`${source}: not valid JSON${at ? ` (at character ${at})` : ''}`);
    }
    if (json !== undefined) {
      const parsed = policiesSchema.safeParse(json);
      if (parsed.success) policies = parsed.data as EscalationPolicies;
      else
        for (const issue of parsed.error.issues) {
          const where = issue.path.join('.') || '(root)';
          const detail = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
          problems.push(`${source}: ${where}: ${detail}`);
        }
    }
  }

  const urlText = str('PAGERDUTY_EVENTS_URL') ?? DEFAULT_PAGERDUTY_EVENTS_URL;
  const url = z.url({ protocol: /^https?$/ }).safeParse(urlText);
  if (!url.success) problems.push(`PAGERDUTY_EVENTS_URL=${JSON.stringify(urlText)}: expected an http(s) URL`);

  const codeownersSlack: Record<string, string> = {};
  for (const pair of (str('CODEOWNERS_SLACK') ?? '').split(',').map((p) => p.trim())) {
    if (!pair) continue;
    const [owner = '', id = ''] = pair.split('=').map((s) => s.trim());
    if (!/^@[\w.-]+(?:\/[\w.-]+)?$|^[^\s@]+@[^\s@]+$/.test(owner) || !isSlackTarget(id)) {
      problems.push(
        `CODEOWNERS_SLACK: ${JSON.stringify(pair)}: expected <owner>=<Slack id>, as in @org/payments=S0123,@alice=U0456`,
      );
    } else codeownersSlack[owner.toLowerCase()] = id;
  }

  return {
    config: {
      policies,
      pagerDutyEventsUrl: (url.data ?? DEFAULT_PAGERDUTY_EVENTS_URL).replace(/\/+$/, ''),
      codeownersSlack,
    },
    problems,
  };
}
