import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/** Datadog's `$ALERT_TRANSITION` values; anything else is counted as "other" so a label cannot grow without bound. */
const TRANSITIONS = new Set([
  'triggered',
  're-triggered',
  'recovered',
  'warn',
  're-warn',
  'no data',
  're-no data',
  'renotify',
]);

/** What the Datadog webhook answered, as far as the metrics care. */
export interface DatadogAnswer {
  status: number;
  deliveryId?: string;
  transition?: string;
  workflowIds: string[];
}

export interface IngressMetrics {
  registry: Registry;
  observeDatadogAnswer(answer: DatadogAnswer): void;
}

/**
 * The ingress's own metrics, in a registry per app (tests run several apps in one process).
 * Duplicates and unique errors are judged against what this process has seen recently: cheap,
 * and exact for Datadog's retries, which come within minutes. The exact count of runs is the
 * workflow's `bugfix_runs_started_total`.
 */
export function createIngressMetrics(opts: { defaultMetrics?: boolean; remember?: number } = {}): IngressMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const alerts = new Counter({
    name: 'bugfix_alerts_received_total',
    help: 'Datadog alerts accepted by the webhook, by transition',
    labelNames: ['transition'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'bugfix_alerts_refused_total',
    help: 'Datadog webhook deliveries refused (bad token, bad payload, errors), by HTTP status',
    labelNames: ['status'],
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'bugfix_alert_duplicate_deliveries_total',
    help: 'Datadog deliveries whose $ID this API had already accepted (retries); the run counts them once',
    registers: [registry],
  });
  const uniqueErrors = new Counter({
    name: 'bugfix_unique_errors_seen_total',
    help: 'Distinct workflow ids (unique errors) the webhook started or signalled, since this API started',
    registers: [registry],
  });
  const signalled = new Counter({
    name: 'bugfix_run_signals_total',
    help: 'Runs started or signalled by the webhook (one per unique error per delivery)',
    registers: [registry],
  });
  const deliveries = new RecentSet(opts.remember ?? 10_000);
  const workflows = new RecentSet(opts.remember ?? 10_000);

  return {
    registry,
    observeDatadogAnswer({ status, deliveryId, transition, workflowIds }) {
      if (status >= 300) {
        refused.inc({ status: String(status) });
        return;
      }
      const t = (transition ?? '').trim().toLowerCase();
      alerts.inc({ transition: TRANSITIONS.has(t) ? t : 'other' });
      if (deliveryId && !deliveries.add(deliveryId)) duplicates.inc();
      signalled.inc(workflowIds.length);
      for (const id of workflowIds) if (workflows.add(id)) uniqueErrors.inc();
    },
  };
}

/** Insertion-ordered and bounded: the oldest key is forgotten first. */
class RecentSet {
  private readonly keys = new Set<string>();
  constructor(private readonly limit: number) {}

  /** True when the key is new. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
}
