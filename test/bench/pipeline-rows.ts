/**
 * The pipeline's figures for the suite: webhook → Slack latency beside the part of it that is the
 * Claude Code session (the floor no orchestration can go under), and on a cluster the rate at
 * which a burst reaches approval with 1, 2 and 4 workers, each beside the 1-worker rate.
 */
import type { TemporalUnderTest } from '../chaos/services';
import { percentile, runPipelineBench } from './pipeline-bench';
import type { BenchRow } from './figure';

const s = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;

export async function pipelineRows(
  temporal: TemporalUnderTest,
  topology: string,
  o: { runs: number; workerCounts: number[]; say: (line: string) => void },
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  o.say(`bench: pipeline, ${o.runs} errors at once, 2 workers, on the ${topology}`);
  const latency = await runPipelineBench({ temporal, workers: 2, runs: o.runs });
  const sessions = latency.sessionMs;
  rows.push({
    figure: `webhook → Slack approval request, ${o.runs} errors at once, 2 workers (p50 / p99)`,
    topology,
    value: `${s(percentile(latency.latenciesMs, 50))} / ${s(percentile(latency.latenciesMs, 99))}`,
    baseline: `Claude Code session alone ${s(percentile(sessions, 50))} / ${s(percentile(sessions, 99))}`,
    goal: 'every run reaches Slack',
    met: latency.missing === 0,
  });
  if (o.workerCounts.length) {
    const rates: number[] = [];
    for (const workers of o.workerCounts) {
      o.say(`bench: throughput to approval with ${workers} worker(s) on the ${topology}`);
      const f = await runPipelineBench({ temporal, workers, runs: o.runs });
      rates.push(f.perMinute);
      rows.push({
        figure: `runs reaching approval per minute, ${workers} worker${workers > 1 ? 's' : ''} (${o.runs} errors at once)`,
        topology,
        value: `${f.perMinute.toFixed(1)}/min${f.missing ? ` (${f.missing} missing)` : ''}`,
        baseline: `1 worker ${rates[0]!.toFixed(1)}/min`,
        // Two cores: a second worker shares the CPU the Claude Code sessions need, so the goal is no loss.
        goal: '≥ 0.9 × 1 worker',
        met: f.missing === 0 && f.perMinute >= 0.9 * rates[0]!,
      });
    }
  }
  return rows;
}
