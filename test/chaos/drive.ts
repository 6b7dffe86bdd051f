/**
 * The people and systems around the pipeline, acting through their real interfaces: Datadog
 * delivers alerts (and redelivers until it gets a 2xx, with the same $ID), the approver clicks
 * Approve in Slack (signed), a reviewer merges on GitHub and the deploy system deploys.
 */
import type { Client } from '@temporalio/client';
import type { RunStatus } from '../../workflows/domain/run-status';
import { FINAL_STAGES } from '../../workflows/domain/types';
import { errorLogEvent, logsSample } from '../fakes/datadog-shapes';
import { signedBlockActions } from '../support/slack-sign';
import type { ChaosCase } from './model-script';
import { APPROVER, SERVICE, type World } from './world';

const FINAL = new Set<string>(FINAL_STAGES);
export const isFinal = (stage: string | undefined) => stage !== undefined && FINAL.has(stage);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The run's status query, or undefined when it does not answer within 10 s (no worker, no server). */
export async function statusOf(client: Client, workflowId: string, runId?: string): Promise<RunStatus | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    return await client.withAbortSignal(controller.signal, () =>
      client.workflow.getHandle(workflowId, runId).query<RunStatus>('status'),
    );
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** A Datadog monitor's webhook for one error of the service, as the project's payload template renders it. */
export function alertBody(id: string, message: string): string {
  return JSON.stringify({
    id,
    event_type: 'log_alert',
    title: `[Triggered] Errors in ${SERVICE}`,
    date: String(Date.now()),
    alert: { id: '98765', transition: 'Triggered', scope: `service:${SERVICE}` },
    tags: `env:prod,service:${SERVICE}`,
    logs_sample: logsSample([{ service: SERVICE, message }]),
  });
}

/** Why an open run is where it is: its status, pending workflow task and activities' attempts and last failures. */
export async function whyOpen(client: Client, workflowId: string): Promise<string> {
  let d;
  try {
    d = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    return `describe failed: ${(err as Error).message}`;
  }
  const task = d.raw.pendingWorkflowTask;
  return [
    `${d.status.name}, ${d.historyLength} events`,
    ...(task ? [`workflow task ${task.state} attempt ${task.attempt}`] : []),
    ...(d.raw.pendingActivities ?? []).map(
      (a) => `${a.activityType?.name} ${a.state} attempt ${a.attempt}: ${a.lastFailure?.message ?? 'no failure yet'}`,
    ),
  ].join('; ');
}

export interface RunOutcome {
  caseId: string;
  injection: boolean;
  workflowId?: string;
  /** Occurrences the ingress accepted with a 202, by delivery id (a redelivery is the same delivery). */
  accepted: Map<string, number>;
  deliveries: number;
  /** Answers other than 202 before a delivery got through (the ingress during a dev-server restart). */
  refusedAttempts: number;
  stage?: string;
  failure?: string;
  approvalClicks: number;
  /** Why the reviewer could not merge the run's pull request (and closed it). */
  mergeFailure?: string;
}

export interface Driver {
  outcomes: RunOutcome[];
  /** Stages of the runs not yet over, for the fault log. */
  openStages(): string[];
  /** Drives every case to a final stage or the deadline; `startDelay()` says when each error first shows up. */
  run(deadline: number, startDelay?: () => number): Promise<void>;
}

export function createDriver(o: {
  world: World;
  client: () => Client;
  ingressUrl: string;
  cases: ChaosCase[];
  repeats: number;
  prefix: string;
}): Driver {
  const { world } = o;
  const outcomes: RunOutcome[] = o.cases.map((c) => ({
    caseId: c.id,
    injection: c.injection,
    accepted: new Map(),
    deliveries: 0,
    refusedAttempts: 0,
    approvalClicks: 0,
  }));

  /** One delivery, redelivered until a 202 (Datadog retries), same $ID each time. */
  async function deliver(c: ChaosCase, out: RunOutcome, n: number, deadline: number): Promise<void> {
    const id = `${o.prefix}-${c.id}-${n}`;
    const body = alertBody(id, c.message);
    out.deliveries++;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const res = await fetch(`${o.ingressUrl}/webhooks/datadog`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${world.secrets.datadogWebhookToken}` },
      }).catch(() => undefined);
      if (res?.status === 202) {
        const { workflows } = (await res.json()) as { workflows: { workflowId: string; occurrences: number }[] };
        for (const w of workflows) {
          out.workflowId ??= w.workflowId;
          out.accepted.set(id, (out.accepted.get(id) ?? 0) + w.occurrences);
        }
        return;
      }
      await res?.arrayBuffer();
      out.refusedAttempts++;
      await sleep(Math.min(8000, 500 * 2 ** attempt));
    }
  }

  // One merge at a time, as GitHub does: the fake moves main with a compare-and-swap.
  let merging = Promise.resolve();
  const merge = (n: number) => {
    const next = merging.then(() => world.github.mergePullRequest(n, { by: 'carol' }));
    merging = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  };

  async function approve(workflowId: string, out: RunOutcome): Promise<void> {
    out.approvalClicks++;
    const { body, headers } = signedBlockActions(o.world.secrets.slackSigningSecret, {
      actionId: 'bugfix_approve',
      value: workflowId,
      userId: APPROVER.id,
      userName: APPROVER.name,
      responseUrl: world.slack.responseUrl(`${workflowId}-approve`),
    });
    await fetch(`${o.ingressUrl}/slack/interactions`, { method: 'POST', body, headers })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  }

  async function closed(workflowId: string, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const d = await o
        .client()
        .workflow.getHandle(workflowId)
        .describe()
        .catch(() => undefined);
      if (d && d.status.name !== 'RUNNING') return;
      await sleep(500);
    }
  }

  async function driveOne(c: ChaosCase, out: RunOutcome, deadline: number): Promise<void> {
    // Production logs of the error, a minute before the alert: what the run's log search finds.
    world.datadog.addLog(
      errorLogEvent({ service: SERVICE, kind: 'TypeError', message: c.message, timestamp: Date.now() - 60_000 }),
    );
    await deliver(c, out, 0, deadline);
    // Repeats while the run is surely open: it waits for an approval that comes only after them.
    await Promise.all(Array.from({ length: o.repeats }, (_, i) => deliver(c, out, i + 1, deadline)));
    const workflowId = out.workflowId;
    if (!workflowId) return;
    let lastClick = 0;
    let merged = false;
    let deployed = false;
    while (Date.now() < deadline) {
      const s = await statusOf(o.client(), workflowId);
      if (s) {
        out.stage = s.stage;
        if (s.failure) out.failure = s.failure;
        // A final stage is set before the run's last steps (the summary in Slack): wait for it to close.
        if (isFinal(s.stage)) return void (await closed(workflowId, deadline));
        if (s.stage === 'awaiting-approval' && !s.decision && Date.now() - lastClick > 4000) {
          lastClick = Date.now();
          await approve(workflowId, out);
        }
        if (s.stage === 'awaiting-merge' && s.pullRequest && !merged) {
          merged = true;
          await merge(s.pullRequest.number)
            // Two fixes touching the same file may not merge: the reviewer closes the second.
            .catch((err: Error) => {
              out.mergeFailure = err.message;
              world.github.closePullRequest(s.pullRequest!.number, { by: 'carol' });
            });
        }
        if (s.stage === 'awaiting-deploy' && s.pullRequest?.mergeCommitSha && !deployed) {
          deployed = true;
          world.github.createDeployment({
            sha: s.pullRequest.mergeCommitSha,
            environment: 'production',
            state: 'success',
          });
        }
      }
      await sleep(500);
    }
  }

  return {
    outcomes,
    openStages: () => outcomes.filter((x) => x.workflowId && !isFinal(x.stage)).map((x) => x.stage ?? 'starting'),
    async run(deadline, startDelay = () => 0) {
      await Promise.all(
        o.cases.map(async (c, i) => {
          await sleep(startDelay());
          await driveOne(c, outcomes[i]!, deadline);
        }),
      );
    },
  };
}
