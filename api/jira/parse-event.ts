import { z } from 'zod';
import { HttpError } from '../http/http-error';

/** What the route reads of a Jira Cloud issue event; everything else in the body is ignored. */
const text = z.union([z.string(), z.number()]).transform(String);
const issueSchema = z.looseObject({
  id: text.pipe(z.string().min(1, 'must not be empty')),
  key: z.string().min(1, 'must not be empty').max(255),
  self: z.string().optional(),
  fields: z.looseObject({
    summary: z.string(),
    // ADF in REST v3 shapes, a wiki-markup string in some webhook bodies, or null.
    description: z.unknown().optional(),
    labels: z.array(z.string()).default([]),
    project: z.looseObject({ key: z.string().min(1, 'must not be empty') }),
    components: z.array(z.looseObject({ name: z.string() })).optional(),
  }),
});
export type JiraIssue = z.infer<typeof issueSchema>;

export interface JiraEvent {
  webhookEvent: string;
  timestamp?: number;
  issue?: JiraIssue;
  /** Labels before and after, when the update's changelog touched them. */
  labelChange?: { before: string[]; after: string[] };
}

export const ISSUE_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated']);

function invalid(path: (string | number | symbol)[], message: string, missing: boolean): HttpError {
  const field = path.map(String).join('.') || '(body)';
  return new HttpError(
    400,
    'invalid_payload',
    missing ? `missing required field "${field}"` : `field "${field}": ${message}`,
    field,
  );
}

/** The event's name, and for issue events the issue and its label change; 400 naming the field otherwise. */
export function parseJiraEvent(body: unknown): JiraEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'invalid_payload', 'Body must be a JSON object', '(body)');
  const b = body as Record<string, unknown>;
  if (typeof b.webhookEvent !== 'string' || !b.webhookEvent)
    throw invalid(['webhookEvent'], 'must be a string', b.webhookEvent === undefined);
  const timestamp = typeof b.timestamp === 'number' && Number.isFinite(b.timestamp) ? b.timestamp : undefined;
  if (!ISSUE_EVENTS.has(b.webhookEvent)) return { webhookEvent: b.webhookEvent, ...(timestamp ? { timestamp } : {}) };

  const parsed = issueSchema.safeParse(b.issue);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(
      ['issue', ...issue.path],
      issue.message,
      issue.code === 'invalid_type' && issue.message.includes('undefined'),
    );
  }
  const labelChange = labelChangeOf(b.changelog);
  return {
    webhookEvent: b.webhookEvent,
    ...(timestamp ? { timestamp } : {}),
    issue: parsed.data,
    ...(labelChange ? { labelChange } : {}),
  };
}

/** The changelog's `labels` item: `fromString` / `toString` are the labels space-separated. */
function labelChangeOf(changelog: unknown): JiraEvent['labelChange'] {
  const items = (changelog as { items?: unknown } | null | undefined)?.items;
  if (!Array.isArray(items)) return undefined;
  // Read as own properties: `toString` would otherwise be Object.prototype's.
  const own = (o: object, k: string): unknown => (Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined);
  const item = items.find((i): i is object => typeof i === 'object' && i !== null && own(i, 'field') === 'labels');
  if (!item) return undefined;
  const split = (v: unknown) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : []);
  return { before: split(own(item, 'fromString')), after: split(own(item, 'toString')) };
}
