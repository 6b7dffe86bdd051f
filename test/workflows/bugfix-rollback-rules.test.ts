import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { Decision } from '../../workflows/domain/types';
import type { RunStatus } from '../../workflows/domain/run-status';
import type { NewError } from '../../workflows/domain/impact';
import { startStubRun, type StubRun } from '../support/stub-run';

/** The rollback's rules on the real dev server with stub activities (full stack: bugfix-rollback.test.ts). */
let h: StubRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const alice: Decision = { approved: true, userId: 'U1', userName: 'alice', via: 'slack' };
const rollback = { policy: 'auto' as const, merge: true, deploy: false, lookbackMs: 3_600_000, minJump: 5 };
const newError = (over: Partial<NewError>): NewError => ({
  fingerprint: 'feedface00000000',
  errorType: 'RangeError',
  message: 'Invalid shipping city length: -1',
  count: 2,
  firstSeen: new Date().toISOString(),
  lastSeen: new Date().toISOString(),
  touchedFiles: [],
  attributedBy: [],
  ...over,
});
const report = (newErrors: NewError[]) => ({
  newErrors,
  query: 'service:shop-api status:error',
  scanned: { before: 0, after: newErrors.length },
  omitted: 0,
  truncated: false,
});

describe('bugfixWorkflow after the deploy (stub activities)', () => {
  it('a new error that touches no changed file and does not burst is not put down to the fix', async () => {
    const run = (h = await startStubRun({ findNewErrors: async () => report([newError({})]) }));
    const handle = await run.start({ rollback });
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    await handle.executeUpdate('decide', { args: [alice] });
    const done = (await handle.result()) as RunStatus;
    expect(done.stage).toBe('verified-fixed');
    expect(done.causedErrors).toBeUndefined();
    expect(run.calls.map((c) => c.name)).not.toContain('pushRevertBranch');
  });

  it('no metrics is a note, not a failure; a merge the API refuses waits for a person', async () => {
    const run = (h = await startStubRun({
      measureFixImpact: async () => {
        throw ApplicationFailure.create({
          type: 'DatadogAuthError',
          message: 'no timeseries_query scope',
          nonRetryable: true,
        });
      },
      findNewErrors: async () => report([newError({ touchedFiles: ['src/cart.ts'], attributedBy: ['changed-files'] })]),
      mergePullRequest: async () => {
        throw ApplicationFailure.create({
          type: 'GitHubRequestRejected',
          message: 'HTTP 405: not mergeable',
          nonRetryable: true,
        });
      },
    }));
    const handle = await run.start({ rollback, impact: { beforeMs: 3_600_000 } });
    await run.waitFor(handle, (s) => s.stage === 'awaiting-approval');
    await handle.executeUpdate('decide', { args: [alice] });
    const reverting = await run.waitFor(handle, (s) => s.stage === 'reverting');
    expect(reverting.revertDecision).toBeUndefined();
    expect(reverting.notes.join('\n')).toContain('No before/after figures from the Datadog Metrics API');
    const done = (await handle.result()) as RunStatus;
    expect(done.stage).toBe('reverted');
    // The stub's pull request reads merged (by carol) at the next look: a person merged the revert.
    expect(done.rollback).toMatchObject({ policy: 'auto', reason: 'caused-errors', merged: { by: 'carol' } });
    const texts = run.calls
      .filter((c) => c.name === 'replyInThread')
      .map((c) => (c.input as { text: string }).text)
      .join('\n');
    expect(texts).toContain('could not be merged automatically (HTTP 405: not mergeable)');
  });
});
