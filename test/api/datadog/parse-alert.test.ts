import { describe, expect, it } from 'vitest';
import { parseDatadogAlert } from '../../../api/datadog/parse-alert';
import { HttpError } from '../../../api/http/http-error';

/** Datadog's default webhook payload, as it renders it. */
const defaultPayload = (title: string) => ({
  body: '%%%\nError count above 5 for service:checkout\n\n[[Monitor Status](https://app.datadoghq.com/monitors/1)] · @webhook-bugfix\n%%%',
  last_updated: '1795632000000',
  event_type: 'log_alert',
  title,
  date: '1795632000000',
  org: { id: '1234', name: 'Acme' },
  id: '7654321098765432100',
});

describe('parseDatadogAlert', () => {
  it.each([
    ['[Triggered on {service:checkout}] Error count', 'Triggered', true],
    ['[P1] [Re-Triggered] Error count', 'Re-Triggered', true],
    ['[Recovered on {service:checkout}] Error count', 'Recovered', false],
    ['[No Data] Error count', 'No Data', false],
    ['[Renotify] Error count', 'Renotify', true],
  ])('default payload titled %s is %s (active: %s)', (title, transition, active) => {
    const a = parseDatadogAlert(defaultPayload(title), new Date());
    expect(a).toMatchObject({ deliveryId: '7654321098765432100', transition, active });
  });

  it('the default payload yields one error from the event text, without Datadog markup or handles', () => {
    const a = parseDatadogAlert(defaultPayload('[Triggered] Error count'), new Date());
    expect(a.errors).toHaveLength(1);
    expect(a.errors[0]!.message).toBe('Error count above 5 for service:checkout');
    expect(a.errors[0]!.occurrence.at).toBe(new Date(1795632000000).toISOString());
  });

  it('names the field that is wrong', () => {
    const fieldOf = (body: unknown) => {
      try {
        parseDatadogAlert(body, new Date());
      } catch (err) {
        return (err as HttpError).field;
      }
      return undefined;
    };
    expect(fieldOf({ title: 'x' })).toBe('id');
    expect(fieldOf({ id: '1', title: '' })).toBe('title');
    expect(fieldOf({ id: '1', title: 'x', alert: { transition: 3 } })).toBe('alert.transition');
    expect(fieldOf({ id: '1', title: 'x', logs_sample: '{not json' })).toBe('logs_sample');
    expect(fieldOf([1, 2])).toBe('(body)');
  });
});

describe('parseDatadogAlert: bounded rows', () => {
  it('reads at most maxRows rows of the sample and says how many there were', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ items: ['checkout'], message: `Error: row ${i}` }));
    const a = parseDatadogAlert(
      { id: '1', title: '[Triggered] x', logs_sample: { columns: ['service'], rows } },
      new Date(),
      { maxRows: 3 },
    );
    expect(a.rowsReceived).toBe(7);
    expect(a.errors.map((e) => e.message)).toEqual(['Error: row 0', 'Error: row 1', 'Error: row 2']);
  });
});
