import { describe, expect, it } from 'vitest';
import { ServiceError } from '@temporalio/client';
import { explainTemporalError } from '../../../infra/cli/temporal-errors';
import { presenceOf } from '../../../infra/platform/worker-presence';

const target = {
  address: 'temporal.internal:7233',
  namespace: 'bugfix',
  taskQueue: 'bugfix-pipeline',
  timeoutMs: 10_000,
};

/** What grpc-js rejects a call with (code, details), wrapped as the SDK's client wraps it. */
function sdkError(code: number, details: string): ServiceError {
  const grpc = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new ServiceError('Failed to query Workflow', { cause: grpc });
}

describe('explainTemporalError: the cause and the next step, not the SDK message', () => {
  it.each([
    [
      7,
      'Request unauthorized.',
      /^Temporal at temporal\.internal:7233 refused the request \(permission denied: Request unauthorized\.\): check TEMPORAL_API_KEY .* namespace bugfix$/,
    ],
    [16, 'no credentials', /refused the request \(unauthenticated: no credentials\): check TEMPORAL_API_KEY/],
    [
      14,
      'Connection dropped',
      /^lost Temporal at temporal\.internal:7233 \(unavailable: Connection dropped\): is the server still running\? check that the server at TEMPORAL_ADDRESS is up/,
    ],
    [
      8,
      'namespace rate limit exceeded',
      /is rate limiting \(resource exhausted: namespace rate limit exceeded\): wait a moment and try again$/,
    ],
    [
      3,
      "invalid query: unknown search attribute 'BugfixStage'",
      /search attributes are not registered on this namespace: `npm start` or `npm run worker` registers them$/,
    ],
    [
      4,
      'Deadline exceeded after 10.001s',
      /^Temporal at temporal\.internal:7233 gave no answer within 10 s \(deadline exceeded\): the server may be overloaded or stuck/,
    ],
    [
      5,
      'Namespace bugfix is not found.',
      /^namespace "bugfix" does not exist on Temporal at temporal\.internal:7233: set TEMPORAL_NAMESPACE/,
    ],
    [
      13,
      'persistence failure',
      /failed the request \(internal error: persistence failure\): see the server's logs, and try again$/,
    ],
  ])('gRPC %i', (code, details, expected) => {
    const e = explainTemporalError(sdkError(code, details), { ...target, embedded: false });
    expect(e?.message).toMatch(expected);
    expect(e?.message).not.toContain('Failed to query Workflow');
  });

  it('with the embedded dev server, says `npm start` starts it', () => {
    const e = explainTemporalError(sdkError(14, 'No connection established'), { ...target, embedded: true });
    expect(e?.message).toContain('`npm start` starts the embedded one; TEMPORAL_ADDRESS points elsewhere');
  });

  it('leaves errors that are not Temporal’s to the caller', () => {
    expect(explainTemporalError(new Error('disk full'), { ...target, embedded: false })).toBeUndefined();
  });
});

describe('presenceOf: since when nobody polls', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it('a poller past the polling window has stopped: since when, and who', () => {
    const p = presenceOf('bugfix-pipeline', [{ identity: '1@host-1', at: now - 12 * 60_000 }], now);
    expect(p).toEqual({
      taskQueue: 'bugfix-pipeline',
      pollers: 0,
      lastSeen: '2026-12-01T11:48:00.000Z',
      lastPoller: '1@host-1',
      message: 'no worker has polled `bugfix-pipeline` since 12 min ago (last poller 1@host-1)',
    });
  });
  it('a poll within the last minute counts as a poller, once per worker', () => {
    const p = presenceOf(
      'q',
      [
        { identity: '1@host-1', at: now - 20_000 },
        { identity: '1@host-1', at: now - 5_000 },
        { identity: '2@host-2', at: now - 10 * 60_000 },
      ],
      now,
    );
    expect(p).toMatchObject({ pollers: 1, lastPoller: '1@host-1', lastSeen: '2026-12-01T11:59:55.000Z' });
    expect(p.message).toBe('1@host-1 polled `q` within the last minute (the last poll began 5 s ago)');
  });
  it('nothing remembered: no worker in the last 5 min (the server forgets pollers after that)', () => {
    expect(presenceOf('q', [], now)).toEqual({
      taskQueue: 'q',
      pollers: 0,
      message: 'no worker has polled `q` in the last 5 min',
    });
  });
});
