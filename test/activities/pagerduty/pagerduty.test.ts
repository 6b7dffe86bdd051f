import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPagerDutyActivities, resolveIncident, triggerIncident } from '../../../activities/pagerduty/index';
import type { EscalationConfig } from '../../../infra/platform/config/escalation-config';
import { pagerDutyDedupKey } from '../../../workflows/domain/escalation';
import { PagerDutyFake } from '../../fakes/pagerduty-fake';
import { failureOf } from '../../support/failure-of';

let fake: PagerDutyFake;
const routingKey = PagerDutyFake.routingKey();
const options = () => ({ eventsUrl: fake.eventsUrl });
const trigger = (dedupKey: string, over: Partial<Parameters<typeof triggerIncident>[0]> = {}) =>
  triggerIncident(
    {
      routingKey,
      dedupKey,
      summary: 'shop-api: TypeError escalated, nobody answered',
      severity: 'error',
      source: 'shop-api',
      details: { workflowId: 'bugfix-shop-api-abc' },
      links: [{ href: 'http://temporal.test/run', text: 'The run' }],
      ...over,
    },
    options(),
  );

beforeAll(async () => {
  fake = await PagerDutyFake.start();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.events.length = 0;
});

describe('triggerIncident and resolveIncident', () => {
  it('opens an incident with the documented event shape', async () => {
    const key = pagerDutyDedupKey('bugfix-shop-api-one');
    expect(await trigger(key)).toEqual({ dedupKey: key });
    expect(fake.events[0]?.body).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: key,
      payload: {
        summary: 'shop-api: TypeError escalated, nobody answered',
        source: 'shop-api',
        severity: 'error',
        custom_details: { workflowId: 'bugfix-shop-api-abc' },
      },
      links: [{ href: 'http://temporal.test/run', text: 'The run' }],
      client: 'Bugfix Pipeline',
    });
    expect(fake.incident(key)).toMatchObject({ status: 'triggered', alerts: 1, severity: 'error' });
  });

  it('keeps one incident for two triggers with the same dedup key, and resolves it', async () => {
    const key = pagerDutyDedupKey('bugfix-shop-api-two');
    await trigger(key);
    await trigger(key, { severity: 'critical' });
    expect(fake.incidents.filter((i) => i.dedupKey === key)).toHaveLength(1);
    expect(fake.incident(key)).toMatchObject({ status: 'triggered', alerts: 2 });

    expect(await resolveIncident({ routingKey, dedupKey: key }, options())).toEqual({ dedupKey: key });
    expect(fake.incident(key)?.status).toBe('resolved');
    // Resolving again (an activity retried after a lost answer) is accepted.
    await resolveIncident({ routingKey, dedupKey: key }, options());
    expect(fake.incidents.filter((i) => i.dedupKey === key)).toHaveLength(1);
  });

  it('cuts a long summary to PagerDuty limit', async () => {
    const key = pagerDutyDedupKey('bugfix-long');
    await trigger(key, { summary: 'x'.repeat(5000) });
    expect(fake.incident(key)?.summary).toHaveLength(1024);
  });

  it('turns a 400 into a non-retryable PagerDutyInvalidEvent carrying the errors', async () => {
    const failure = await failureOf(
      triggerIncident(
        {
          routingKey: 'short',
          dedupKey: 'k',
          summary: 's',
          source: '',
          severity: 'fatal' as 'error', // what a caller outside the types could send
        },
        options(),
      ),
    );
    expect(failure.type).toBe('PagerDutyInvalidEvent');
    expect(failure.nonRetryable).toBe(true);
    const errors = [
      "Length of 'routing_key' is incorrect (should be 32 characters)",
      "'payload.source' is missing or blank",
      "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
    ];
    expect(failure.details).toEqual([{ status: 400, errors }]);
    expect(failure.message).toContain(errors[0]);
    expect(fake.events.at(-1)?.status).toBe(400);
  });

  it('turns 429 and 5xx into retryable failures, then succeeds', async () => {
    const key = pagerDutyDedupKey('bugfix-throttled');
    fake.failNext(429);
    const throttled = await failureOf(trigger(key));
    expect(throttled).toMatchObject({ type: 'PagerDutyRateLimited', nonRetryable: false, nextRetryDelay: 1000 });
    fake.failNext(503);
    expect(await failureOf(resolveIncident({ routingKey, dedupKey: key }, options()))).toMatchObject({
      type: 'PagerDutyUnavailable',
      nonRetryable: false,
    });
    expect(fake.incident(key)).toBeUndefined();
    await trigger(key);
    expect(fake.incident(key)?.status).toBe('triggered');
  });

  it('never puts the routing key in a failure message', async () => {
    fake.failNext(500);
    const failures = [
      await failureOf(trigger('k1')),
      await failureOf(
        triggerIncident({ routingKey, dedupKey: 'k2', summary: '', source: 's', severity: 'info' }, options()),
      ),
      // Nothing listens on port 1: connection refused.
      await failureOf(resolveIncident({ routingKey, dedupKey: 'k3' }, { eventsUrl: 'http://127.0.0.1:1' })),
    ];
    for (const f of failures) {
      expect(f.message).not.toContain(routingKey);
      expect(JSON.stringify(f.details ?? [])).not.toContain(routingKey);
    }
    expect(failures.map((f) => f.type)).toEqual([
      'PagerDutyUnavailable',
      'PagerDutyInvalidEvent',
      'PagerDutyUnavailable',
    ]);
  });

  it('times out a request that gets no answer', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const failure = await failureOf(
        resolveIncident({ routingKey, dedupKey: 'k' }, { eventsUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 }),
      );
      expect(failure).toMatchObject({ type: 'PagerDutyUnavailable', nonRetryable: false });
      expect(failure.message).toContain('request timed out');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('createPagerDutyActivities', () => {
  const config = (): EscalationConfig => ({
    policies: {
      'shop-*': { owners: ['S0SHOP'], levels: [], pagerDuty: { routingKey } },
      other: { owners: [], levels: [] },
    },
    pagerDutyEventsUrl: fake.eventsUrl,
    codeownersSlack: {},
  });

  it('looks the routing key up by service, inside a worker, so the workflow never holds it', async () => {
    const activities = createPagerDutyActivities(config());
    const env = new MockActivityEnvironment();
    const key = pagerDutyDedupKey('bugfix-shop-api-activity');
    const input = { service: 'shop-api', dedupKey: key, summary: 'escalated', severity: 'warning' as const };
    expect(await env.run(activities.triggerPagerDutyIncident, input)).toEqual({ dedupKey: key });
    expect(fake.incident(key)).toMatchObject({ routingKey, source: 'shop-api', severity: 'warning' });
    await env.run(activities.resolvePagerDutyIncident, { service: 'shop-api', dedupKey: key });
    expect(fake.incident(key)?.status).toBe('resolved');
  });

  it('refuses a service without a PagerDuty integration, without retrying', async () => {
    const activities = createPagerDutyActivities(config());
    const failure = await failureOf(activities.resolvePagerDutyIncident({ service: 'other', dedupKey: 'k' }));
    expect(failure).toMatchObject({ type: 'PagerDutyConfigError', nonRetryable: true });
  });
});
