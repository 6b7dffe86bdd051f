import { describe, expect, it } from 'vitest';
import {
  escalationText,
  mentionsOf,
  noAnswerLadder,
  ownersToNotify,
  pagerDutyDedupKey,
  pagerDutyTarget,
  policyFor,
  type Escalation,
  type EscalationPolicy,
} from '../../../workflows/domain/escalation';
import { parseStack } from '../../../workflows/domain/identity/parse-stack';
import { stackFiles } from '../../../workflows/domain/stack-files';

const policy = (owner: string, over: Partial<EscalationPolicy> = {}): EscalationPolicy => ({
  owners: [owner],
  levels: [],
  ...over,
});

describe('policyFor', () => {
  const policies = {
    'payments-*': policy('S0PAYALL'),
    'payments-api-*': policy('S0PAYAPI'),
    'payments-api-eu': policy('S0PAYEU'),
    '*-worker': policy('S0WORKER'),
    default: policy('S0DEFAULT'),
  };

  it('takes the exact name first', () => {
    expect(policyFor(policies, 'payments-api-eu')?.owners).toEqual(['S0PAYEU']);
  });

  it('then the most specific pattern', () => {
    expect(policyFor(policies, 'payments-api-us')?.owners).toEqual(['S0PAYAPI']);
    expect(policyFor(policies, 'payments-web')?.owners).toEqual(['S0PAYALL']);
    expect(policyFor(policies, 'mail-worker')?.owners).toEqual(['S0WORKER']);
  });

  it('then default, or nothing', () => {
    expect(policyFor(policies, 'shop')?.owners).toEqual(['S0DEFAULT']);
    expect(policyFor({ 'a-*': policy('S0A') }, 'shop')).toBeUndefined();
  });

  it('treats everything but * literally, and does not read inherited keys', () => {
    expect(policyFor({ 'a.b*': policy('S0A') }, 'aXb-1')).toBeUndefined();
    expect(policyFor({ 'a.b*': policy('S0A') }, 'a.b-1')?.owners).toEqual(['S0A']);
    expect(policyFor({}, 'constructor')).toBeUndefined();
    expect(policyFor({}, '__proto__')).toBeUndefined();
  });
});

describe('noAnswerLadder', () => {
  it('climbs the levels, then PagerDuty, each with its own delay or the reminder interval', () => {
    const p = policy('S0OWN', {
      levels: [{ notify: ['S0SECOND'], afterMs: 5_000 }, { notify: ['U0LEAD'] }],
      pagerDuty: { routingKey: 'k'.repeat(32) },
    });
    expect(noAnswerLadder(p, 60_000)).toEqual([
      { level: 1, afterMs: 5_000, notify: ['S0SECOND'], pagerDuty: false },
      { level: 2, afterMs: 60_000, notify: ['U0LEAD'], pagerDuty: false },
      { level: 3, afterMs: 60_000, notify: [], pagerDuty: true },
    ]);
  });

  it('is empty without levels or PagerDuty', () => {
    expect(noAnswerLadder(policy('S0OWN'), 1000)).toEqual([]);
  });
});

describe('ownersToNotify', () => {
  it('adds CODEOWNERS only when the policy asks, once each', () => {
    expect(ownersToNotify(policy('S0OWN'), ['U0ALICE'])).toEqual(['S0OWN']);
    expect(ownersToNotify(policy('S0OWN', { codeowners: true }), ['U0ALICE', 'S0OWN'])).toEqual(['S0OWN', 'U0ALICE']);
  });
});

describe('mentionsOf', () => {
  it('mentions users and groups, names PagerDuty, and never turns anything else into a mention', () => {
    expect(mentionsOf(['U123', 'W456', 'S789', pagerDutyTarget('shop')])).toBe(
      '<@U123>, <@W456>, <!subteam^S789>, PagerDuty (shop)',
    );
    expect(mentionsOf(['<!channel>', '@here'])).toBe('&lt;!channel&gt;, @\u200Bhere');
  });
});

describe('escalationText', () => {
  const esc = (over: Partial<Escalation>): Escalation => ({
    level: 2,
    reason: 'no-answer',
    detail: '',
    notified: ['S1'],
    at: '2026-01-01T00:00:00.000Z',
    ...over,
  });

  it('says who, which level and why in one line', () => {
    expect(escalationText(esc({ notified: ['S1AB'] }), { reminders: 2 })).toBe(
      'Escalated to <!subteam^S1AB> (level 2): no answer after 2 reminders',
    );
    expect(escalationText(esc({ level: 0, reason: 'checks-failed', notified: ['U0A1', 'S0B2'] }))).toBe(
      'Escalated to <@U0A1>, <!subteam^S0B2> (the owners): the fix failed its checks',
    );
  });

  it('escapes and shortens the detail', () => {
    const text = escalationText(
      esc({ level: 0, reason: 'not-fixable-by-code', detail: 'DB <!channel> down\n'.repeat(50), notified: ['U0A'] }),
    );
    expect(text).toMatch(/^Escalated to <@U0A> \(the owners\): triage says a code change cannot fix this \(DB &lt;/);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('\n');
    expect(text).toMatch(/…\)$/);
    expect(text.length).toBeLessThan(700);
  });

  it('says so when nobody could be told', () => {
    expect(escalationText(esc({ level: 0, reason: 'regression', notified: [] }))).toBe(
      'Nobody to escalate to (the owners): the error came back after the fix. Set an escalation policy.',
    );
  });
});

describe('pagerDutyDedupKey', () => {
  it('is stable per run and different between runs', () => {
    expect(pagerDutyDedupKey('bugfix-shop-abc')).toBe('bugfix/bugfix-shop-abc');
    expect(pagerDutyDedupKey('bugfix-shop-abc')).toBe(pagerDutyDedupKey('bugfix-shop-abc'));
  });

  it('stays within 255 characters, keeping long ids apart', () => {
    const a = pagerDutyDedupKey(`${'x'.repeat(300)}a`);
    const b = pagerDutyDedupKey(`${'x'.repeat(300)}b`);
    expect(a).toHaveLength(255);
    expect(a).not.toBe(b);
    expect(pagerDutyDedupKey(`${'x'.repeat(300)}a`)).toBe(a);
  });
});

describe('stackFiles', () => {
  it('lists the in-app files of a Node trace, innermost first, once each', () => {
    const stack = parseStack(
      [
        'TypeError: boom',
        '    at total (/app/src/orders/total.js:10:5)',
        '    at handle (/app/src/orders/handler.js:3:1)',
        '    at again (/app/src/orders/total.js:12:5)',
        '    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)',
        '    at node:internal/process/task_queues:95:5',
      ].join('\n'),
    );
    expect(stackFiles(stack)).toEqual(['/app/src/orders/total.js', '/app/src/orders/handler.js']);
  });

  it('gives JVM frames the directory of their package', () => {
    const stack = parseStack(
      [
        'java.lang.IllegalStateException: boom',
        '\tat com.acme.orders.OrderService$Line.total(OrderService.java:42)',
        '\tat java.base/java.lang.Thread.run(Thread.java:833)',
      ].join('\n'),
    );
    expect(stackFiles(stack)).toEqual(['com/acme/orders/OrderService.java']);
  });
});
