import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogActivities } from '../../../activities/datadog';
import { fetchOccurrenceLogs } from '../../../activities/datadog/fetch-occurrence-logs';
import { fingerprintError } from '../../../workflows/domain/identity/fingerprint';
import { unaccountedSightings } from '../../../workflows/steps/verify-fix';
import type { Occurrence } from '../../../workflows/domain/types';
import { startDatadogFake, type DatadogFake } from '../../fakes/datadog-fake';
import { errorLogEvent } from '../../fakes/datadog-shapes';
import { sampleError, sampleErrorMessage, sampleStackTrace, unrelatedError } from '../../fakes/scripted-fix';

const SERVICE = 'shop-api';
const elsewhere = sampleStackTrace.replace('at shippingLabel (/app/src/cart.ts', 'at giftWrap (/app/src/gifts.ts');

describe('fetchOccurrenceLogs: the logs of one error, through the real Datadog client', () => {
  let fake: DatadogFake;
  let search: ReturnType<typeof createDatadogActivities>['fetchErrorLogs'];
  const now = Date.now();
  const window = { from: new Date(now - 600_000).toISOString(), to: new Date(now + 60_000).toISOString() };

  /** The run's logs as the activity fetches them, for a run whose alert row said `message`. */
  const logsOf = (message: string, topFrames?: string[]) =>
    fetchOccurrenceLogs(search, {
      identity: fingerprintError({ service: SERVICE, message }),
      query: `service:${SERVICE}`,
      firstSeen: '',
      lastSeen: '',
      window,
      ...(topFrames ? { topFrames } : {}),
    });

  beforeAll(async () => {
    fake = await startDatadogFake();
    search = createDatadogActivities({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      site: 'datadoghq.com',
    }).fetchErrorLogs;
    const at = (s: number) => now - s * 1000;
    fake.addLog(
      errorLogEvent({
        service: SERVICE,
        ...sampleError,
        timestamp: at(50),
        userId: 'u-1',
        url: 'https://shop.example/a',
        traceId: '111',
      }),
    );
    fake.addLog(errorLogEvent({ service: SERVICE, ...sampleError, timestamp: at(40), userId: 'u-2' }));
    fake.addLog(
      errorLogEvent({ service: SERVICE, ...sampleError, timestamp: at(30), userId: 'u-3', stack: elsewhere }),
    );
    fake.addLog(errorLogEvent({ service: SERVICE, ...unrelatedError, timestamp: at(20) }));
    fake.addLog(errorLogEvent({ service: SERVICE, ...sampleError, kind: 'RangeError', timestamp: at(10) }));
  });
  afterAll(() => fake?.close());

  it('a run started from a stackless webhook row gets the stacks; the rest is counted with its reason', async () => {
    expect(fingerprintError({ service: SERVICE, message: sampleErrorMessage }).topFrames).toEqual([]);
    const { occurrences, report } = await logsOf(sampleErrorMessage);
    expect(occurrences.map((o) => o.userId)).toEqual(['u-1', 'u-2']);
    expect(occurrences[0]).toMatchObject({ stack: sampleStackTrace, url: 'https://shop.example/a', traceId: '111' });
    expect(report).toMatchObject({
      scanned: 5,
      matched: 2,
      truncated: false,
      topFrames: ['src/cart.ts:shippingLabel'],
    });
    expect(report!.discarded).toEqual({ 'other-message': 1, 'other-error-type': 1, 'other-frames': 1 });
  });

  it('the throw site a run settled on holds for later searches, such as verification', async () => {
    const { occurrences, report } = await logsOf(sampleErrorMessage, ['src/gifts.ts:giftWrap']);
    expect(occurrences.map((o) => o.userId)).toEqual(['u-3']);
    expect(report!.discarded).toMatchObject({ 'other-frames': 2 });
  });

  it('says so when nothing matched', async () => {
    const { occurrences, report } = await logsOf('Unknown coupon code SPRING');
    expect(occurrences).toEqual([]);
    expect(report).toMatchObject({ scanned: 5, matched: 0, discarded: { 'other-message': 5 } });
  });
});

describe('unaccountedSightings: webhook sightings and log events of the same occurrences count once', () => {
  const occ = (id: string, at: string): Occurrence => ({ id, at, message: 'x' });

  it('pairs a sighting with its log event by id, else with an unclaimed log event from its evaluation window', () => {
    const logs = [
      occ('log-1', '2026-01-01T10:00:00Z'),
      occ('log-2', '2026-01-01T10:01:00Z'),
      occ('log-3', '2026-01-01T10:02:00Z'),
    ];
    const sightings = [
      occ('log-3', '2026-01-01T10:05:00Z'),
      occ('evt-9#0', '2026-01-01T10:05:00Z'),
      occ('evt-9#1', '2026-01-01T10:05:00Z'),
      occ('evt-9#2', '2026-01-01T10:05:00Z'),
    ];
    // log-3 by id, log-1 and log-2 by time; the fourth sighting has no log event left.
    expect(unaccountedSightings(sightings, logs).map((s) => s.id)).toEqual(['evt-9#2']);
  });

  it('a log event long before the sighting does not account for it', () => {
    expect(
      unaccountedSightings([occ('evt-1#0', '2026-01-01T12:00:00Z')], [occ('log-1', '2026-01-01T10:00:00Z')]),
    ).toHaveLength(1);
    expect(unaccountedSightings([occ('evt-1#0', '2026-01-01T12:00:00Z')], [])).toHaveLength(1);
  });
});
