/**
 * Slack message metadata is how this module recognises its own messages again: a retried
 * activity looks for the metadata it would have attached before posting a second copy.
 */

export const RUN_EVENT_TYPE = 'bugfix_run';
export const REPLY_EVENT_TYPE = 'bugfix_reply';

interface WithMetadata {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: unknown };
}

/** The first message whose metadata has `eventType` and every `fields` entry in its payload. */
export function findByMetadata<M extends WithMetadata>(
  messages: readonly M[] | undefined,
  eventType: string,
  fields: Record<string, string>,
): M | undefined {
  return messages?.find((m) => {
    if (m.metadata?.event_type !== eventType) return false;
    const payload = m.metadata.event_payload;
    if (typeof payload !== 'object' || payload === null) return false;
    return Object.entries(fields).every(([key, value]) => (payload as Record<string, unknown>)[key] === value);
  });
}
