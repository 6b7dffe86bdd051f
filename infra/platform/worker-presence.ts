import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/**
 * Is a worker polling a task queue? What Temporal alone can tell, without any worker: the pollers
 * it has seen on the queue (workflow and activity tasks) and when each last began a poll. Used by
 * `bugfix status` and `list` when no worker answers, and by GET /healthz.
 */
export interface WorkerPresence {
  taskQueue: string;
  /** Pollers that began a poll within POLLING_WINDOW_MS: very likely alive. */
  pollers: number;
  /** When the most recent poll began (ISO), if Temporal still remembers one. */
  lastSeen?: string;
  /** Who made it, e.g. `12345@host-1`. */
  lastPoller?: string;
  /** One sentence for people: who polls, or since when nobody has. */
  message: string;
}

/**
 * An idle worker begins a new long poll at least every minute (the server answers an empty poll
 * after 60 s), so a poller whose last poll began longer ago than this has stopped.
 */
export const POLLING_WINDOW_MS = 70_000;
/** Temporal forgets a poller this long after its last poll (matching's poller history). */
const POLLER_MEMORY = '5 min';

/** The task types a pipeline worker polls: workflow tasks (1) and activity tasks (2). */
const TASK_TYPES = [1, 2] as const;

export async function workerPresence(
  client: Client,
  taskQueue: string,
  opts: { now?: number; deadlineMs?: number } = {},
): Promise<WorkerPresence> {
  const call = () =>
    Promise.all(
      TASK_TYPES.map((taskQueueType) =>
        client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name: taskQueue, kind: 1 },
          taskQueueType,
        }),
      ),
    );
  const answers = opts.deadlineMs ? await client.withDeadline(Date.now() + opts.deadlineMs, call) : await call();
  const seen = answers
    .flatMap((a) => a.pollers ?? [])
    .map((p) => ({ identity: p.identity ?? '', at: optionalTsToMs(p.lastAccessTime) ?? 0 }));
  return presenceOf(taskQueue, seen, opts.now ?? Date.now());
}

/** The presence, from the pollers Temporal listed (pure, for the message's wording). */
export function presenceOf(taskQueue: string, seen: { identity: string; at: number }[], now: number): WorkerPresence {
  const polling = new Set(seen.filter((p) => now - p.at <= POLLING_WINDOW_MS).map((p) => p.identity));
  const last = seen.reduce<{ identity: string; at: number } | undefined>(
    (a, p) => (!a || p.at > a.at ? p : a),
    undefined,
  );
  const q = `\`${taskQueue}\``;
  const base: Omit<WorkerPresence, 'message'> = {
    taskQueue,
    pollers: polling.size,
    ...(last && last.at > 0 ? { lastSeen: new Date(last.at).toISOString(), lastPoller: last.identity } : {}),
  };
  if (polling.size === 0) return { ...base, message: noPollSince(base, now) };
  return {
    ...base,
    message: `${[...polling].join(', ')} polled ${q} within the last minute (the last poll began ${since(now - last!.at)} ago)`,
  };
}

/** "no worker has polled `q` since 12 min ago (last poller 1@host-1)": whatever the window says, the last poll's time. */
export function noPollSince(p: Pick<WorkerPresence, 'taskQueue' | 'lastSeen' | 'lastPoller'>, now: number): string {
  const q = `\`${p.taskQueue}\``;
  if (!p.lastSeen) return `no worker has polled ${q} in the last ${POLLER_MEMORY}`;
  return `no worker has polled ${q} since ${since(now - Date.parse(p.lastSeen))} ago (last poller ${p.lastPoller})`;
}

/** "45 s", "12 min", "3 h", "2 days": how long, for a sentence. */
function since(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}
