import { sendEvent, type EventsApiOptions } from './events-api';

export interface ResolveIncidentInput {
  routingKey: string;
  dedupKey: string;
}

/** Resolves the incident of `dedupKey`. PagerDuty accepts it when no incident is open, so it is safe to repeat. */
export async function resolveIncident(
  input: ResolveIncidentInput,
  options: EventsApiOptions,
): Promise<{ dedupKey: string }> {
  const accepted = await sendEvent(
    { routing_key: input.routingKey, event_action: 'resolve', dedup_key: input.dedupKey },
    options,
  );
  return { dedupKey: accepted.dedup_key };
}
