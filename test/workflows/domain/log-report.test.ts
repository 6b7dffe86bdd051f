import { describe, expect, it } from 'vitest';
import { logsLine, recurrenceSources } from '../../../workflows/domain/log-report';
import { logSearchNotes } from '../../../workflows/run-summary';
import type { LogMatchReport } from '../../../workflows/domain/types';

const report = (over: Partial<LogMatchReport>): LogMatchReport => ({
  query: 'service:shop-api status:error',
  from: 'a',
  to: 'b',
  scanned: 0,
  matched: 0,
  discarded: {},
  truncated: false,
  ...over,
});

describe('what a run says about its Datadog logs', () => {
  it('enriched, with what was left out and why', () => {
    expect(logsLine(report({ scanned: 9, matched: 4, discarded: { 'other-message': 3, 'other-frames': 2 } }))).toBe(
      'Enriched from 4 Datadog log event(s) of 9 scanned (left out: 3 with another message, 2 thrown elsewhere in the code).',
    );
    expect(logSearchNotes({ report: report({ scanned: 9, matched: 4 }) })).toEqual([]);
  });

  it('none matched: a note for the approver, never silence', () => {
    const notes = logSearchNotes({ report: report({ scanned: 5, matched: 0, discarded: { 'other-error-type': 5 } }) });
    expect(notes).toEqual([
      "None of 5 Datadog log event(s) matched this error (left out: 5 of another error type). The suggestion is based on the webhook's data alone.",
    ]);
  });

  it('results recorded before the report existed still get the truncation note', () => {
    expect(logSearchNotes({ scanned: 1000, truncated: true })).toEqual([
      'Datadog returned more than 1000 log events; only those were read.',
    ]);
  });

  it('a verification says where its count came from', () => {
    const v = {
      from: 'a',
      to: 'b',
      recurrences: 4,
      samples: [],
      ratePerHourBefore: 0,
      ratePerHourAfter: 1,
      verdict: 'regressed' as const,
    };
    expect(recurrenceSources({ ...v, fromLogs: 3, fromWebhooksOnly: 1 })).toBe(
      "3 in Datadog's logs, 1 more reported by the monitor's webhook only",
    );
    expect(recurrenceSources({ ...v, fromLogs: 0, fromWebhooksOnly: 4, logsUnavailable: true })).toBe(
      "4 reported by the monitor's webhook; Datadog's logs were unavailable",
    );
    expect(recurrenceSources(v)).toBe('');
  });
});
