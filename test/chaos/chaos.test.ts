import { describe, expect, it } from 'vitest';
import { chaosOptions, FULL_SIZE } from './options';
import { runChaos } from './chaos';
import { formatFigures, targets } from './report';

/** The fault and abuse suite at a small size (`npm run chaos` runs it at full size); CHAOS_* variables still apply. */
const SMALL = {
  ...FULL_SIZE,
  runs: 2,
  repeats: 2,
  injections: 6,
  kills: 3,
  temporalRestarts: 1,
  outages: 1,
  outageMs: 8_000,
  hostile: 200,
  faultWindowMs: 60_000,
  // About 80 s unloaded; a worker killed mid-verification is retried after its heartbeat timeout (30 s).
  deadlineMs: 200_000,
};

describe('the pipeline under faults and abuse', () => {
  it('keeps every target while workers die, the dev server restarts, Slack goes down and hostile requests pour in', async () => {
    const options = chaosOptions([], process.env, SMALL);
    const figures = await runChaos(options);
    console.log(formatFigures(figures));

    // The suite itself did what it was asked to, or its figures prove nothing.
    expect(figures.runsStarted).toBeGreaterThanOrEqual(options.runs + options.injections);
    expect(figures.workerKills).toBe(options.kills);
    expect(figures.temporalRestarts).toBe(options.temporalRestarts);
    expect(figures.outageWindows).toHaveLength(options.outages);
    expect(figures.hostileSent).toBeGreaterThanOrEqual(options.hostile);
    expect(figures.occurrencesAccepted).toBe((options.runs + options.injections) * (1 + options.repeats));

    for (const t of targets(figures)) expect.soft(t.value, t.name).toBeLessThanOrEqual(t.max);
  }, 290_000);
});
