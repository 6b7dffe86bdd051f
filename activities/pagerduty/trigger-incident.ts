import {
  sendEvent,
  SUMMARY_MAX,
  type EventsApiOptions,
  type PagerDutyLink,
  type PagerDutySeverity,
} from './events-api';

export interface TriggerIncidentInput {
  routingKey: string;
  /** The run's key (pagerDutyDedupKey): a second trigger joins the open incident instead of opening another. */
  dedupKey: string;
  /** Cut to PagerDuty's 1024 characters. */
  summary: string;
  severity: PagerDutySeverity;
  /** The affected system, e.g. the service's name. */
  source: string;
  details?: Record<string, unknown>;
  links?: PagerDutyLink[];
  /** When the problem was seen (ISO 8601); PagerDuty uses its receipt time otherwise. */
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
}

/** Opens (or adds to) the incident of `dedupKey`; resolves with the dedup key PagerDuty acknowledged. */
export async function triggerIncident(
  input: TriggerIncidentInput,
  options: EventsApiOptions,
): Promise<{ dedupKey: string }> {
  const summary = input.summary.length > SUMMARY_MAX ? `${input.summary.slice(0, SUMMARY_MAX - 1)}…` : input.summary;
  const accepted = await sendEvent(
    {
      routing_key: input.routingKey,
      event_action: 'trigger',
      dedup_key: input.dedupKey,
      payload: {
        summary,
        source: input.source,
        severity: input.severity,
        ...(input.timestamp ? { timestamp: input.timestamp } : {}),
        ...(input.component ? { component: input.component } : {}),
        ...(input.group ? { group: input.group } : {}),
        ...(input.class ? { class: input.class } : {}),
        ...(input.details ? { custom_details: input.details } : {}),
      },
      ...(input.links?.length ? { links: input.links } : {}),
      client: 'Bugfix Pipeline',
    },
    options,
  );
  return { dedupKey: accepted.dedup_key };
}
