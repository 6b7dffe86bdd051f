import type { EscalationConfig } from '../../infra/platform/config/escalation-config';
import { policyFor } from '../../workflows/domain/escalation';
import { activitySignal } from '../activity-context';
import type { PagerDutyLink, PagerDutySeverity } from './events-api';
import { configFailure } from './pagerduty-failure';
import { resolveIncident } from './resolve-incident';
import { triggerIncident } from './trigger-incident';

export type { PagerDutyLink, PagerDutySeverity } from './events-api';
export { triggerIncident, type TriggerIncidentInput } from './trigger-incident';
export { resolveIncident, type ResolveIncidentInput } from './resolve-incident';

/**
 * What the workflow passes: the service names the integration, and the routing key is looked up
 * here from the escalation policy, so the secret never enters the run's history.
 */
export interface PagerDutyTriggerInput {
  service: string;
  dedupKey: string;
  summary: string;
  severity: PagerDutySeverity;
  /** Defaults to the service. */
  source?: string;
  details?: Record<string, unknown>;
  links?: PagerDutyLink[];
}

export interface PagerDutyResolveInput {
  service: string;
  dedupKey: string;
}

/** The PagerDuty activities, bound to the escalation policies and the Events API URL. */
export function createPagerDutyActivities(config: EscalationConfig, options: { timeoutMs?: number } = {}) {
  const routingKeyOf = (service: string): string => {
    const key = policyFor(config.policies, service)?.pagerDuty?.routingKey;
    if (!key) throw configFailure(`No PagerDuty integration in the escalation policy of ${service}`);
    return key;
  };
  const call = () => ({ eventsUrl: config.pagerDutyEventsUrl, ...options, ...activitySignal() });
  return {
    /** Opens the run's incident, or adds to it when it is open (same dedup key). */
    async triggerPagerDutyIncident(input: PagerDutyTriggerInput): Promise<{ dedupKey: string }> {
      const { service, source, ...rest } = input;
      return triggerIncident({ ...rest, routingKey: routingKeyOf(service), source: source ?? service }, call());
    },
    /** Resolves the run's incident; harmless when there is none. */
    async resolvePagerDutyIncident(input: PagerDutyResolveInput): Promise<{ dedupKey: string }> {
      return resolveIncident({ routingKey: routingKeyOf(input.service), dedupKey: input.dedupKey }, call());
    },
  };
}
