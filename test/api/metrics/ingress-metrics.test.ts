import { describe, expect, it } from 'vitest';
import { createIngressMetrics } from '../../../api/metrics/ingress-metrics';
import { promSample } from './prom-text';

describe('the ingress metrics', () => {
  it('counts alerts by transition, duplicate deliveries, distinct runs and refusals', async () => {
    const m = createIngressMetrics({ defaultMetrics: false, remember: 2 });
    m.observeDatadogAnswer({ status: 202, deliveryId: 'd1', transition: 'Triggered', workflowIds: ['w1', 'w2'] });
    m.observeDatadogAnswer({ status: 202, deliveryId: 'd1', transition: 'Triggered', workflowIds: ['w1', 'w2'] });
    m.observeDatadogAnswer({ status: 202, deliveryId: 'd2', transition: 'Recovered', workflowIds: [] });
    m.observeDatadogAnswer({ status: 202, deliveryId: 'd3', transition: 'something odd', workflowIds: ['w1'] });
    m.observeDatadogAnswer({ status: 400, workflowIds: [] });
    const text = await m.registry.metrics();
    expect(promSample(text, 'bugfix_alerts_received_total', { transition: 'triggered' })).toBe(2);
    expect(promSample(text, 'bugfix_alerts_received_total', { transition: 'recovered' })).toBe(1);
    expect(promSample(text, 'bugfix_alerts_received_total', { transition: 'other' })).toBe(1);
    expect(promSample(text, 'bugfix_alert_duplicate_deliveries_total')).toBe(1);
    expect(promSample(text, 'bugfix_unique_errors_seen_total')).toBe(2);
    expect(promSample(text, 'bugfix_run_signals_total')).toBe(5);
    expect(promSample(text, 'bugfix_alerts_refused_total', { status: '400' })).toBe(1);
  });

  it('forgets the oldest delivery ids beyond its memory, so it stays bounded', async () => {
    const m = createIngressMetrics({ defaultMetrics: false, remember: 2 });
    for (const id of ['d1', 'd2', 'd3', 'd1'])
      m.observeDatadogAnswer({ status: 202, deliveryId: id, transition: 'Triggered', workflowIds: [] });
    expect(promSample(await m.registry.metrics(), 'bugfix_alert_duplicate_deliveries_total')).toBe(0);
  });
});
