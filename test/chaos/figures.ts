/**
 * What a chaos run amounts to, measured from the outside: Temporal's visibility, what the fakes
 * received and what the git server holds. Every figure is counted, none is assumed.
 */
import type { Client } from '@temporalio/client';
import type { RunStatus } from '../../workflows/domain/run-status';
import { workflowIdFromMarker } from '../../workflows/domain/github-text';
import { OCCURRENCES } from '../../workflows/domain/search-attributes';
import { isProtectedPath, VICTIM_GROUP, VICTIM_USER } from './injection-corpus';
import { isFinal, statusOf, whyOpen, type RunOutcome } from './drive';
import type { FaultLog } from './faults';
import type { HostileResult } from './hostile-requests';
import type { World } from './world';
import { auditRepository } from './repo-audit';

export interface Figures {
  runsStarted: number;
  runsCompleted: number;
  finalStages: Record<string, number>;
  runsNotFinished: string[];
  /** Runs that failed, and pull requests the reviewer could not merge. */
  runNotes: string[];
  duplicates: {
    slackTopLevelMessages: number;
    branches: number;
    pullRequests: number;
    cursorAgents: number | 'not exercised (direct apply mode)';
  };
  occurrencesAccepted: number;
  occurrencesRecorded: number;
  occurrencesLost: number;
  occurrencesExtra: number;
  hostileSent: number;
  hostileAnswered4xx: number;
  hostileOther: string[];
  runsStartedByHostile: number;
  /** The worst delay seen while a hostile request was handled, on a machine shared with the pipeline. */
  worstEventLoopStallMs: number;
  worstStallRequest: string;
  /** The worst stall the ingress's own CPU time accounts for that a request caused again when sent twice more (the least of its three). */
  worstReproducedStallMs: number;
  worstReproducedStallRequest: string;
  workerKills: number;
  killStages: Record<string, number>;
  unplannedWorkerExits: number;
  /** Why (the exit and the worker's last output), so a reader can tell a crash from a lost server. */
  unplannedWorkerExitReasons: string[];
  temporalRestarts: number;
  /** What each restart killed: the dev server, or which cluster service. */
  temporalRestartsKilled: string[];
  outageWindows: string[];
  protectedFilesReachedRepo: string[];
  secretsReachedModel: string[];
  livePings: string[];
  elapsedSeconds: number;
}

/**
 * Every execution on the suite's own Temporal, with its recorded status when the run still answers.
 * A cluster's visibility store lags its executions by a moment: a run listed as running is described
 * (from its own state) before it counts as open.
 */
async function executions(
  client: Client,
): Promise<{ workflowId: string; runId: string; running: boolean; status?: RunStatus }[]> {
  const out = [];
  for await (const w of client.workflow.list({ query: 'WorkflowType = "bugfixWorkflow"' })) {
    const status = await statusOf(client, w.workflowId, w.runId);
    const occurrences = w.typedSearchAttributes.get(OCCURRENCES);
    out.push({
      workflowId: w.workflowId,
      runId: w.runId,
      running:
        w.status.name === 'RUNNING' &&
        (await client.workflow
          .getHandle(w.workflowId, w.runId)
          .describe()
          .then((d) => d.status.name === 'RUNNING')
          .catch(() => true)),
      ...(status ? { status } : occurrences !== undefined ? { status: { occurrences } as RunStatus } : {}),
    });
  }
  return out;
}

const LIVE_PING = new RegExp(
  `<!(channel|here|everyone)>|<!subteam\\^${VICTIM_GROUP}[^>]*>|<@${VICTIM_USER}(\\|[^>]*)?>`,
  'g',
);

export async function computeFigures(o: {
  client: Client;
  world: World;
  outcomes: RunOutcome[];
  faults: FaultLog;
  hostile: HostileResult[];
  startedAt: number;
}): Promise<Figures> {
  const { world, outcomes } = o;
  const runs = await executions(o.client);
  const legit = new Set(outcomes.map((x) => x.workflowId).filter(Boolean));
  const finalStages: Record<string, number> = {};
  for (const r of runs)
    if (!r.running) finalStages[r.status?.stage ?? 'unknown'] = (finalStages[r.status?.stage ?? 'unknown'] ?? 0) + 1;

  const perRun = (ids: (string | undefined)[]) => {
    const counts = new Map<string, number>();
    for (const id of ids) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    return [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  };
  const slackRuns = world.slack.messages().map((m) => m.metadata?.event_payload.workflow_id as string | undefined);
  const repo = await auditRepository(world);
  const prRuns = world.github.pulls().map((p) => workflowIdFromMarker(p.body));

  let accepted = 0;
  let recorded = 0;
  let lost = 0;
  let extra = 0;
  for (const x of outcomes) {
    if (!x.workflowId) continue;
    const a = [...x.accepted.values()].reduce((n, v) => n + v, 0);
    const r = runs.filter((e) => e.workflowId === x.workflowId).reduce((n, e) => n + (e.status?.occurrences ?? 0), 0);
    accepted += a;
    recorded += r;
    lost += Math.max(0, a - r);
    extra += Math.max(0, r - a);
  }

  const bodies = world.anthropic.requests.map((r) => `${r.url}\n${JSON.stringify(r.body ?? '')}`);
  const secretsReachedModel = Object.entries(world.planted)
    .filter(
      ([, value]) =>
        value.length >= 8 && bodies.some((b) => b.includes(value) || b.includes(JSON.stringify(value).slice(1, -1))),
    )
    .map(([name]) => name);

  const slackTexts = [
    ...world.slack.messages(),
    ...world.slack.messages().flatMap((m) => world.slack.replies(m.ts)),
  ].map((m) => ({ where: `message ${m.ts}`, text: `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}` }));
  const other = [
    ...world.slack
      .ephemerals()
      .map((e) => ({ where: 'ephemeral', text: `${e.text ?? ''}${JSON.stringify(e.blocks ?? [])}` })),
    ...world.slack.responses().map((r) => ({ where: `response ${r.id}`, text: JSON.stringify(r.body) })),
  ];
  const livePings = [...slackTexts, ...other].flatMap((t) =>
    [...t.text.matchAll(LIVE_PING)].map((m) => `${t.where}: ${m[0]}`),
  );

  const worst = [...o.hostile].sort((a, b) => (b.stallMs ?? 0) - (a.stallMs ?? 0))[0];
  const worstBusy = [...o.hostile].sort((a, b) => (b.busyStallMs ?? 0) - (a.busyStallMs ?? 0))[0];
  const reproduced = [...o.hostile]
    .filter((h) => h.reproducedStallMs !== undefined)
    .sort((a, b) => b.reproducedStallMs! - a.reproducedStallMs!)[0];
  const killStages: Record<string, number> = {};
  for (const k of o.faults.kills)
    for (const s of k.stages.length ? k.stages : ['(no open run)']) killStages[s] = (killStages[s] ?? 0) + 1;

  return {
    runsStarted: runs.length,
    runsCompleted: runs.filter((r) => !r.running).length,
    finalStages,
    runsNotFinished: await Promise.all(
      outcomes
        .filter((x) => !isFinal(x.stage))
        .map(
          async (x) =>
            `${x.caseId}: ${x.stage ?? 'never started'}, ${x.approvalClicks} approval clicks; ${x.workflowId ? await whyOpen(o.client, x.workflowId) : ''}`,
        ),
    ),
    runNotes: outcomes.flatMap((x) => [
      ...(x.failure ? [`${x.caseId} failed: ${x.failure}`] : []),
      ...(x.mergeFailure ? [`${x.caseId} not merged: ${x.mergeFailure}`] : []),
    ]),
    duplicates: {
      slackTopLevelMessages: perRun(slackRuns),
      branches: perRun(repo.fixBranches.map((b) => b.run ?? b.branch)),
      pullRequests: perRun(prRuns),
      cursorAgents: 'not exercised (direct apply mode)',
    },
    occurrencesAccepted: accepted,
    occurrencesRecorded: recorded,
    occurrencesLost: lost,
    occurrencesExtra: extra,
    hostileSent: o.hostile.length,
    hostileAnswered4xx: o.hostile.filter((h) => h.status !== undefined && h.status >= 400 && h.status < 500).length,
    hostileOther: o.hostile
      .filter((h) => !(h.status && h.status >= 400 && h.status < 500))
      .map((h) => `${h.name}: ${h.status ?? h.error}`),
    runsStartedByHostile: runs.filter((r) => !legit.has(r.workflowId)).length,
    worstEventLoopStallMs: Math.round(worst?.stallMs ?? 0),
    worstStallRequest: worst?.name ?? '',
    worstReproducedStallMs: Math.round(reproduced?.reproducedStallMs ?? worstBusy?.busyStallMs ?? 0),
    worstReproducedStallRequest: reproduced?.name ?? worstBusy?.name ?? '',
    workerKills: o.faults.kills.length,
    killStages,
    unplannedWorkerExits: o.faults.unplannedWorkerExits.length,
    unplannedWorkerExitReasons: o.faults.unplannedWorkerExits,
    temporalRestarts: o.faults.temporalRestarts.length,
    temporalRestartsKilled: o.faults.temporalRestarts.map((r) => `${r.what} down ${(r.downMs / 1000).toFixed(1)}s`),
    outageWindows: o.faults.outages.map((x) => `${x.service} ${x.ms / 1000}s at +${Math.round(x.at / 1000)}s`),
    protectedFilesReachedRepo: repo.commits.flatMap((c) =>
      c.files
        .filter((f) => isProtectedPath(f.replace(/ \(.*\)$/, '')) || / \((symlink|mode .*)\)$/.test(f))
        .map((f) => `${f} (commit ${c.sha.slice(0, 8)} of ${c.run ?? 'no run'})`),
    ),
    secretsReachedModel,
    livePings,
    elapsedSeconds: Math.round((Date.now() - o.startedAt) / 1000),
  };
}
