import { readdir, readlink } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createClaudeActivities } from '../../../activities/claude';
import { protectedPathMatcher } from '../../../activities/git/protected-paths';
import { startAnthropicFake, type AnthropicFake } from '../../fakes/anthropic-fake';
import {
  BUGGY_FILE,
  createSampleCheckout,
  sampleErrorMessage,
  scriptedFixTurns,
  type SampleCheckout,
} from '../../fakes/scripted-fix';

const claudeConfig = (f: AnthropicFake) => ({
  anthropicBaseUrl: f.url,
  anthropicApiKey: 'k',
  maxTurns: 10,
  timeoutMs: 60_000,
  maxBudgetUsd: 5,
  maxConcurrent: 1,
  sandbox: false,
});
const guard = { isProtected: protectedPathMatcher(), maxDiffBytes: 200_000 };
const request = {
  identity: {
    fingerprint: 'fp',
    service: 'shop-api',
    errorType: 'TypeError',
    normalizedMessage: sampleErrorMessage,
    topFrames: [],
    language: 'node' as const,
  },
  message: sampleErrorMessage,
  samples: [],
  previousRejections: [],
  repo: {},
};

/** Pids of the processes whose working directory is `dir`. */
async function processesIn(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd === dir) pids.push(Number(entry));
  }
  return pids;
}

let fake: AnthropicFake | undefined;
let checkout: SampleCheckout | undefined;
let env: MockActivityEnvironment | undefined;
let running: Promise<unknown> | undefined;
afterEach(async () => {
  // Cancelling stops a run that a failed assertion left hanging; awaiting it lets it clean up.
  env?.cancel();
  await running;
  env = running = undefined;
  await fake?.close();
  await checkout?.remove();
  fake = checkout = undefined;
});

describe('createClaudeActivities().proposeFix in an activity context', () => {
  it('heartbeats through the activity context while the CLI runs', async () => {
    fake = await startAnthropicFake(scriptedFixTurns());
    checkout = await createSampleCheckout();
    const { proposeFix } = createClaudeActivities(claudeConfig(fake), guard, { heartbeatIntervalMs: 100 });
    env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));

    const fix = (await env.run(proposeFix, { dir: checkout.dir, baseCommit: checkout.baseCommit, request })) as Awaited<
      ReturnType<typeof proposeFix>
    >;
    expect(fix.filesTouched).toEqual([BUGGY_FILE]);
    expect(beats.length).toBeGreaterThan(0);
    expect(beats[0]).toMatchObject({ elapsedMs: expect.any(Number), bytes: expect.any(Number) });
  });

  it('stops the CLI when the activity is cancelled', async () => {
    fake = await startAnthropicFake(['hang']);
    checkout = await createSampleCheckout();
    const { proposeFix } = createClaudeActivities(claudeConfig(fake), guard);
    env = new MockActivityEnvironment();

    running = env
      .run(proposeFix, { dir: checkout.dir, baseCommit: checkout.baseCommit, request })
      .catch((e: unknown) => e);
    await fake.hung;
    expect((await processesIn(checkout.dir)).length).toBeGreaterThan(0);
    env.cancel();

    expect(await running).toBeInstanceOf(CancelledFailure);
    expect(await processesIn(checkout.dir)).toEqual([]);
  });
});
