import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escalationConfigFrom } from '../../../../infra/platform/config/escalation-config';
import { ConfigError, loadConfig } from '../../../../infra/platform/config/load-config';
import { repoRoot } from '../../../../infra/platform/config/read-config';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

describe('escalationConfigFrom', () => {
  it('has no policies, the public PagerDuty endpoint and no CODEOWNERS mapping by default', () => {
    expect(escalationConfigFrom({})).toEqual({
      config: { policies: {}, pagerDutyEventsUrl: 'https://events.pagerduty.com', codeownersSlack: {} },
      problems: [],
    });
  });

  it('reads policies from ESCALATION_POLICIES, with delays in milliseconds or as durations', () => {
    const { config, problems } = escalationConfigFrom({
      ESCALATION_POLICIES: JSON.stringify({
        'payments-*': {
          owners: ['S0PAYMENTS', 'U0ALICE'],
          levels: [
            { notify: ['S0PAYLEADS'], afterMs: 30_000 },
            { notify: ['W0BOB'], afterMs: '2h' },
          ],
          pagerDuty: { routingKey: ROUTING_KEY },
          codeowners: true,
          jiraProject: 'PAY',
        },
        default: { owners: ['S0ONCALL'] },
      }),
      PAGERDUTY_EVENTS_URL: 'https://events.eu.pagerduty.com/',
      CODEOWNERS_SLACK: '@acme/payments=S0PAYMENTS, @Alice=U0ALICE,ops@acme.test=S0OPS',
    });
    expect(problems).toEqual([]);
    expect(config.policies['payments-*']).toEqual({
      owners: ['S0PAYMENTS', 'U0ALICE'],
      levels: [
        { notify: ['S0PAYLEADS'], afterMs: 30_000 },
        { notify: ['W0BOB'], afterMs: 7_200_000 },
      ],
      pagerDuty: { routingKey: ROUTING_KEY },
      codeowners: true,
      jiraProject: 'PAY',
    });
    expect(config.policies.default).toEqual({ owners: ['S0ONCALL'], levels: [] });
    expect(config.pagerDutyEventsUrl).toBe('https://events.eu.pagerduty.com');
    // GitHub owners are case-insensitive.
    expect(config.codeownersSlack).toEqual({
      '@acme/payments': 'S0PAYMENTS',
      '@alice': 'U0ALICE',
      'ops@acme.test': 'S0OPS',
    });
  });

  it('reads the text of ESCALATION_POLICY_FILE the caller passes', () => {
    const { config, problems } = escalationConfigFrom(
      { ESCALATION_POLICY_FILE: 'policies.json' },
      '{"shop":{"owners":["U0SHOP"]}}',
    );
    expect(problems).toEqual([]);
    expect(config.policies.shop?.owners).toEqual(['U0SHOP']);
  });

  it('names the variable and the path inside the JSON, and never repeats the routing key', () => {
    const { problems } = escalationConfigFrom({
      ESCALATION_POLICIES: JSON.stringify({
        shop: {
          owners: ['alice'],
          levels: [{ notify: [] }, { notify: ['S0X'], afterMs: 'soon' }],
          pagerDuty: { routingKey: `${ROUTING_KEY}-too-long` },
          escalate: true,
        },
      }),
      PAGERDUTY_EVENTS_URL: 'ftp://pd',
      CODEOWNERS_SLACK: '@acme/payments=payments',
    });
    expect(problems).toEqual([
      'ESCALATION_POLICIES: shop.owners.0: expected a Slack user id (U…, W…) or user-group id (S…)',
      'ESCALATION_POLICIES: shop.levels.0.notify: Too small: expected array to have >=1 items',
      'ESCALATION_POLICIES: shop.levels.1.afterMs: expected milliseconds or a duration such as 30s, 15m, 4h',
      'ESCALATION_POLICIES: shop.pagerDuty.routingKey: expected a 32-character integration (routing) key',
      'ESCALATION_POLICIES: shop: unknown key(s) escalate',
      'PAGERDUTY_EVENTS_URL="ftp://pd": expected an http(s) URL',
      'CODEOWNERS_SLACK: "@acme/payments=payments": expected <owner>=<Slack id>, as in @org/payments=S0123,@alice=U0456',
    ]);
    expect(problems.join('\n')).not.toContain(ROUTING_KEY);
  });

  it('reports JSON that does not parse without quoting it, and refuses both sources at once', () => {
    const broken = escalationConfigFrom({
      ESCALATION_POLICIES: `{"shop":{"pagerDuty":{"routingKey":"${ROUTING_KEY}"}`,
    });
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toMatch(/^ESCALATION_POLICIES: not valid JSON/);
    expect(broken.problems[0]).not.toContain(ROUTING_KEY);

    const both = escalationConfigFrom({ ESCALATION_POLICIES: '{}', ESCALATION_POLICY_FILE: 'p.json' }, '{}');
    expect(both.problems).toEqual(['ESCALATION_POLICIES / ESCALATION_POLICY_FILE: set one or the other']);
    expect(escalationConfigFrom({ ESCALATION_POLICY_FILE: '/x/p.json' }, '[1]').problems).toEqual([
      'ESCALATION_POLICY_FILE (/x/p.json): (root): Invalid input: expected record, received array',
    ]);
  });
});

describe('loadConfig', () => {
  const shipped: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8'));

  it('carries the escalation settings, and their problems with the rest', () => {
    const config = loadConfig(shipped, { ESCALATION_POLICY_FILE: 'p.json' }, { escalationPolicies: '{"a":{}}' });
    expect(config.escalation.policies).toEqual({ a: { owners: [], levels: [] } });
    let problems: string[] = [];
    try {
      loadConfig(shipped, { ESCALATION_POLICIES: '{"a":{"owners":["x"]}}', PORT: 'x' });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems).toContain(
      'ESCALATION_POLICIES: a.owners.0: expected a Slack user id (U…, W…) or user-group id (S…)',
    );
    expect(problems.some((p) => p.startsWith('PORT='))).toBe(true);
  });
});
