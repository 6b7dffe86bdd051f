import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { RunStatus } from '../../workflows/domain/run-status';
import { startStubRun, type StubRun } from '../support/stub-run';

/** Triage's rules on the real dev server with stub activities (the full-stack cases are in bugfix-triage.test.ts). */
let h: StubRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('bugfixWorkflow triage rules (stub activities)', () => {
  it('a classifier that cannot answer leaves a note and the run goes on to a fix', async () => {
    const run = (h = await startStubRun({
      classifyError: async () => {
        throw ApplicationFailure.create({ type: 'ClaudeFailed', message: 'the model is down', nonRetryable: true });
      },
    }));
    const handle = await run.start({ triage: { minConfidence: 0.7 } });
    const s: RunStatus = await run.waitFor(handle, (x) => x.stage === 'awaiting-approval');
    expect(s.triage).toBeUndefined();
    expect(s.notes).toContain('Triage unavailable (the model is down): going on to a fix without it.');
    expect(run.calls.map((c) => c.name)).toContain('proposeFix');
  });

  it('a non-code verdict under TRIAGE_MIN_CONFIDENCE still gets a fix attempt', async () => {
    const run = (h = await startStubRun({
      classifyError: async () => ({
        category: 'transient',
        severity: 'low',
        fixableByCode: false,
        confidence: 0.4,
        rationale: 'Maybe a blip.',
        examplesUsed: 0,
        costUsd: 0.001,
      }),
    }));
    const handle = await run.start({ triage: { minConfidence: 0.7 } });
    const s = await run.waitFor(handle, (x) => x.stage === 'awaiting-approval');
    expect(s.triage).toMatchObject({ category: 'transient', confidence: 0.4 });
    expect(s.timeline.map((t) => t.stage)).toEqual([
      'collecting',
      'triaging',
      'cloning',
      'proposing',
      'awaiting-approval',
    ]);
  });
});
