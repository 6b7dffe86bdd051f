/**
 * The whole front half of the pipeline, measured: Datadog webhook → ingress → run → log search →
 * clone → the real Claude Code CLI against the scripted model → the approval request in Slack.
 * The ingress and N workers are processes of their own on the given Temporal (dev server or
 * cluster), as in production. Gives each run's webhook → Slack latency and the rate at which a
 * burst of errors reaches approval.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chaosCases } from '../chaos/model-script';
import { startWorld, SERVICE } from '../chaos/world';
import { startIngress, writeWorkflowBundle, type TemporalUnderTest } from '../chaos/services';
import { WorkerPool, type FaultLog } from '../chaos/faults';
import { servicesEnv } from '../chaos/chaos';
import { errorLogEvent } from '../fakes/datadog-shapes';
import { createClient } from '../../infra/platform/temporal-connection';
import { alertBody, statusOf } from '../chaos/drive';

export interface PipelineFigures {
  runs: number;
  workers: number;
  /** Webhook sent → the run's approval request posted in Slack, per run, in ms (sorted). */
  latenciesMs: number[];
  /** Time each run spent in its `proposing` stage: the Claude Code session on a fresh checkout (sorted). */
  sessionMs: number[];
  /** The runs, in the order their errors were sent. */
  workflowIds: string[];
  /** Runs that never reached Slack before the deadline. */
  missing: number;
  /** Runs reaching approval per minute, from the first webhook to the last approval request. */
  perMinute: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runPipelineBench(o: {
  temporal: TemporalUnderTest;
  workers: number;
  runs: number;
  deadlineMs?: number;
}): Promise<PipelineFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bugfix-bench-'));
  // Each bench run gets fresh error names, so runs from a previous size on the same server are not found again.
  const salt = randomBytes(2).toString('hex');
  const cases = chaosCases(o.runs, 0).map((c) => ({ ...c, message: `${c.message} ${salt}` }));
  const cleanup: (() => unknown)[] = [];
  try {
    const [world, bundle] = await Promise.all([startWorld(cases), writeWorkflowBundle(dir)]);
    cleanup.push(() => world.close());
    const prefix = `bench${salt}`;
    const env = servicesEnv({ world, address: o.temporal.address, prefix, bundle });
    const ingress = await startIngress(env);
    cleanup.push(() => ingress.stop());
    const log: FaultLog = { kills: [], temporalRestarts: [], outages: [], unplannedWorkerExits: [] };
    const pool = new WorkerPool(env, dir, log);
    cleanup.push(() => pool.stop());
    await pool.start(o.workers);

    const deadline = Date.now() + (o.deadlineMs ?? 10 * 60_000);
    const sentAt = new Map<string, number>();
    const firstSent = Date.now();
    await Promise.all(
      cases.map(async (c, i) => {
        world.datadog.addLog(
          errorLogEvent({ service: SERVICE, kind: 'TypeError', message: c.message, timestamp: Date.now() - 60_000 }),
        );
        const body = alertBody(`${prefix}-${i}`, c.message);
        const started = Date.now();
        const res = await fetch(`${ingress.url}/webhooks/datadog`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${world.secrets.datadogWebhookToken}` },
        });
        if (res.status !== 202) throw new Error(`delivery ${i}: HTTP ${res.status} ${await res.text()}`);
        const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
        sentAt.set(workflows[0]!.workflowId, started);
      }),
    );

    // The approval request is the top-level message whose buttons carry the run's workflow id.
    const postedAt = new Map<string, number>();
    while (postedAt.size < sentAt.size && Date.now() < deadline) {
      for (const m of world.slack.messages()) {
        const text = JSON.stringify(m.blocks ?? []);
        for (const id of sentAt.keys())
          if (!postedAt.has(id) && text.includes(id) && text.includes('bugfix_approve'))
            postedAt.set(id, m.postedAt ?? Date.now());
      }
      await sleep(200);
    }
    // Read while the workers are up: a run's status is a query.
    const client = await createClient(o.temporal.config.temporal);
    cleanup.push(() => client.connection.close());
    const sessionMs: number[] = [];
    for (const id of postedAt.keys()) {
      const timeline = (await statusOf(client, id))?.timeline ?? [];
      const i = timeline.findIndex((t) => t.stage === 'proposing');
      const next = timeline[i + 1];
      if (i >= 0 && next) sessionMs.push(Date.parse(next.at) - Date.parse(timeline[i]!.at));
    }
    const latenciesMs = [...postedAt].map(([id, at]) => at - sentAt.get(id)!).sort((a, b) => a - b);
    const last = Math.max(...postedAt.values());
    return {
      runs: o.runs,
      workers: o.workers,
      latenciesMs,
      sessionMs: sessionMs.sort((a, b) => a - b),
      workflowIds: [...sentAt.keys()],
      missing: sentAt.size - postedAt.size,
      perMinute: postedAt.size ? (postedAt.size / Math.max(1, last - firstSent)) * 60_000 : 0,
    };
  } finally {
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
