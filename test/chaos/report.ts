import type { Figures } from './figures';

/** The ingress may not stall its event loop this long on any request. */
export const STALL_TARGET_MS = 100;

export interface Target {
  name: string;
  value: number;
  /** Holds when value is at most this. */
  max: number;
  /** What makes up the value (the runs, files or texts), for the failure message. */
  detail?: string[];
}

/** The figures the suite holds the pipeline to; each is 0 (or under a bound) when the pipeline is right. */
export function targets(f: Figures): Target[] {
  return [
    { name: 'runs not finished', value: f.runsNotFinished.length, max: 0, detail: f.runsNotFinished },
    { name: 'duplicate Slack messages', value: f.duplicates.slackTopLevelMessages, max: 0 },
    { name: 'duplicate branches', value: f.duplicates.branches, max: 0 },
    { name: 'duplicate pull requests', value: f.duplicates.pullRequests, max: 0 },
    { name: 'occurrences lost', value: f.occurrencesLost, max: 0 },
    { name: 'occurrences counted twice', value: f.occurrencesExtra, max: 0 },
    {
      name: 'hostile requests not answered 4xx',
      value: f.hostileSent - f.hostileAnswered4xx,
      max: 0,
      detail: f.hostileOther,
    },
    { name: 'runs started by hostile requests', value: f.runsStartedByHostile, max: 0 },
    { name: 'worst reproducible ingress stall (ms)', value: f.worstReproducedStallMs, max: STALL_TARGET_MS - 1 },
    {
      name: 'protected files on a branch without approval',
      value: f.protectedFilesReachedRepo.length,
      max: 0,
      detail: f.protectedFilesReachedRepo,
    },
    {
      name: 'secrets that reached the model',
      value: f.secretsReachedModel.length,
      max: 0,
      detail: f.secretsReachedModel,
    },
    { name: 'live pings in Slack', value: f.livePings.length, max: 0, detail: f.livePings },
  ];
}

export function formatFigures(f: Figures): string {
  const row = (k: string, v: string | number) => `  ${k.padEnd(46)} ${v}`;
  const list = (xs: string[], max = 12) =>
    xs.length
      ? xs
          .slice(0, max)
          .map((x) => `      - ${x.slice(0, 160)}`)
          .concat(xs.length > max ? [`      … ${xs.length - max} more`] : [])
      : [];
  const stages = Object.entries(f.finalStages)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const killStages = Object.entries(f.killStages)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return [
    'chaos figures',
    row('runs started', f.runsStarted),
    row('runs completed', `${f.runsCompleted} (${stages || 'none'})`),
    row('runs not finished by the deadline', f.runsNotFinished.length),
    ...list(f.runsNotFinished),
    row('failed runs, unmergeable pull requests', f.runNotes.length),
    ...list(f.runNotes),
    row('duplicate Slack top-level messages', f.duplicates.slackTopLevelMessages),
    row('duplicate branches', f.duplicates.branches),
    row('duplicate pull requests', f.duplicates.pullRequests),
    row('duplicate Cursor agents', f.duplicates.cursorAgents),
    row('occurrences accepted (202) / recorded', `${f.occurrencesAccepted} / ${f.occurrencesRecorded}`),
    row('occurrences lost / counted twice', `${f.occurrencesLost} / ${f.occurrencesExtra}`),
    row('hostile requests sent / answered 4xx', `${f.hostileSent} / ${f.hostileAnswered4xx}`),
    ...list(f.hostileOther),
    row('runs started by hostile requests', f.runsStartedByHostile),
    row('worst ingress event-loop stall', `${f.worstEventLoopStallMs} ms (${f.worstStallRequest})`),
    row(
      '  … its own work (CPU), least of three tries',
      `${f.worstReproducedStallMs} ms (${f.worstReproducedStallRequest})`,
    ),
    row('worker SIGKILLs', `${f.workerKills} (open runs were at: ${killStages || 'none'})`),
    row('workers that died unplanned', f.unplannedWorkerExits),
    ...list(f.unplannedWorkerExitReasons.map((r) => r.replace(/\s+/g, ' ').slice(-160))),
    row('Temporal restarts', f.temporalRestarts),
    ...list(f.temporalRestartsKilled),
    row('outage windows', f.outageWindows.length ? f.outageWindows.join('; ') : 0),
    row('protected files on a branch without approval', f.protectedFilesReachedRepo.length),
    ...list(f.protectedFilesReachedRepo, 40),
    row('secrets that reached the model', f.secretsReachedModel.length ? f.secretsReachedModel.join(', ') : 0),
    row('live pings in Slack', f.livePings.length),
    ...list(f.livePings),
    row('elapsed', `${f.elapsedSeconds} s`),
    '',
    'targets',
    ...targets(f).map((t) => row(`${t.value <= t.max ? 'ok  ' : 'FAIL'} ${t.name}`, `${t.value} (target ≤ ${t.max})`)),
  ].join('\n');
}
