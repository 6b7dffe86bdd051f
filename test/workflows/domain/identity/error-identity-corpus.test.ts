import type { v2 } from '@datadog/datadog-api-client';
import { describe, expect, it } from 'vitest';
import { parseDatadogAlert } from '../../../../api/datadog/parse-alert';
import { fingerprintError, workflowIdFor } from '../../../../workflows/domain/identity/fingerprint';
import { matchLogEvents } from '../../../../activities/datadog/fetch-occurrence-logs';
import { toLogEvent } from '../../../../activities/datadog/log-event';
import type { ErrorIdentity, LogEvent } from '../../../../workflows/domain/types';
import { CORPUS, type CorpusEntry, type LogShape } from '../../../fixtures/error-identity-corpus';

/** The ingress's path: a log monitor's webhook whose sample holds this row. */
function fromWebhookRow(service: string, row: string): ErrorIdentity {
  const sample = {
    columns: ['Time', 'Host', 'Service'],
    label: 'Sample Logs',
    rows: [{ items: ['09:30:12 UTC', 'web-3', service], message: row }],
  };
  const [reported] = parseDatadogAlert(
    { id: '1', title: '[Triggered] Errors', logs_sample: sample },
    new Date(),
  ).errors;
  return fingerprintError({
    service: reported!.service,
    message: reported!.message,
    ...(reported!.stack ? { stack: reported!.stack } : {}),
  });
}

/** The Logs API's path: the event as the client library hands it over, reduced by the activity. */
function fromLogsApi(service: string, l: LogShape, i: number): LogEvent {
  const error = {
    ...(l.kind ? { kind: l.kind } : {}),
    ...(l.errorMessage ? { message: l.errorMessage } : {}),
    ...(l.stack ? { stack: l.stack } : {}),
  };
  const log = {
    id: `AAAA${i}`,
    type: 'log',
    attributes: {
      timestamp: new Date(),
      service: l.service ?? service,
      status: 'error',
      message: l.message,
      tags: ['env:prod'],
      attributes: { error },
    },
  };
  return toLogEvent(log as unknown as v2.Log);
}

const withStack = (entry: CorpusEntry) =>
  entry.rows.filter((r) => r.includes('\n')).map((r) => fromWebhookRow(entry.service, r));

describe('error identity corpus: every source agrees on one error', () => {
  it.each(CORPUS.map((c) => [c.name, c] as const))(
    '%s: every webhook row, with or without a stack, is one run',
    (_name, entry) => {
      const ids = new Set(entry.rows.map((row) => workflowIdFor(fromWebhookRow(entry.service, row))));
      expect([...ids]).toHaveLength(1);
    },
  );

  it.each(CORPUS.map((c) => [c.name, c] as const))(
    '%s: every Logs API event matches the run, whichever row started it',
    (_name, entry) => {
      const events = entry.logs.map((l, i) => fromLogsApi(entry.service, l, i));
      for (const row of entry.rows) {
        const matched = matchLogEvents(fromWebhookRow(entry.service, row), events);
        expect({ row, matched: matched.events.length, discarded: matched.discarded }).toEqual({
          row,
          matched: events.length,
          discarded: {},
        });
      }
    },
  );

  it.each(CORPUS.map((c) => [c.name, c] as const))(
    '%s: near misses stay apart, each for its reason',
    (_name, entry) => {
      const run = fromWebhookRow(entry.service, entry.rows[0]!);
      for (const miss of entry.nearMisses) {
        if (miss.row !== undefined) {
          const other = fromWebhookRow(miss.service ?? entry.service, miss.row);
          expect(workflowIdFor(other), `${miss.why}: ${miss.row}`).not.toBe(workflowIdFor(run));
        }
        if (miss.log) {
          // A refinement needs both sides: the run is the one started from a report with a stack.
          const refined = withStack(entry)[0] ?? run;
          const matched = matchLogEvents(refined, [fromLogsApi(entry.service, miss.log, 0)]);
          expect(matched.discarded, `${miss.why}: ${miss.log.message}`).toEqual({ [miss.why]: 1 });
        }
      }
    },
  );

  it('covers every supported runtime', () => {
    expect(new Set(CORPUS.map((c) => c.language))).toEqual(new Set(['node', 'python', 'java', 'dotnet', 'go', 'ruby']));
    const sightings = CORPUS.reduce((n, c) => n + c.rows.length + c.logs.length, 0);
    const misses = CORPUS.reduce((n, c) => n + c.nearMisses.length, 0);
    console.log(`error identity corpus: ${CORPUS.length} errors, ${sightings} sightings, ${misses} near misses`);
    for (const c of CORPUS) {
      // Each error is seen with and without a stack, and in the Logs API with one.
      expect(c.rows.some((r) => !r.includes('\n')) && c.rows.some((r) => r.includes('\n')), c.name).toBe(true);
      expect(
        c.logs.some((l) => l.stack),
        c.name,
      ).toBe(true);
    }
  });
});
