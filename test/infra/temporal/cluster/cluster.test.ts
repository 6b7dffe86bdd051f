import { describe, expect, it } from 'vitest';
import { chaosOptions, FULL_SIZE } from '../../../chaos/options';
import { runChaos } from '../../../chaos/chaos';
import { formatFigures, targets } from '../../../chaos/report';

/**
 * The production topology at a small size: a cluster of four Temporal services on PostgreSQL,
 * the API and two workers as processes of their own; workers SIGKILLed and cluster services
 * killed and restarted mid-run. `npm run chaos -- --topology cluster` runs it at full size.
 */
const SMALL = {
  ...FULL_SIZE,
  topology: 'cluster' as const,
  runs: 3,
  repeats: 2,
  injections: 0,
  kills: 2,
  temporalRestarts: 2,
  outages: 0,
  hostile: 20,
  workers: 2,
  faultWindowMs: 60_000,
  deadlineMs: 300_000,
};

describe('the pipeline on a Temporal cluster', () => {
  it('finishes every run exactly once while workers die and cluster services restart', async () => {
    const options = chaosOptions([], process.env, SMALL);
    const figures = await runChaos(options);
    console.log(formatFigures(figures));

    expect(figures.runsStarted).toBe(options.runs);
    expect(figures.workerKills).toBe(options.kills);
    expect(figures.temporalRestartsKilled).toHaveLength(options.temporalRestarts);
    expect(figures.temporalRestartsKilled.every((k) => k.endsWith('s') && k.includes('service'))).toBe(true);
    expect(figures.occurrencesAccepted).toBe(options.runs * (1 + options.repeats));
    expect(figures.runsCompleted).toBe(options.runs);
    for (const t of targets(figures)) expect.soft(t.value, t.name).toBeLessThanOrEqual(t.max);
  }, 400_000);
});
