import { randomUUID } from 'node:crypto';
import { adminOnly } from './http/admin-access';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import type { selfTestWorkflow } from '../workflows/self-test';
import { claudeTaskQueue } from '../workflows/domain/task-queues';
import { workerPresence } from '../infra/platform/worker-presence';

/** A health check answers within this, whatever state Temporal is in. */
const HEALTH_DEADLINE_MS = 3_000;

/**
 * GET /healthz: is Temporal reachable (200 / 503), and does a worker poll the pipeline's task queues
 * (`workers`, informational: the API serves webhooks without one, the runs just wait)?
 * POST /selftest: does a workflow really run end to end on a worker?
 */
export function healthRoute({ client, config }: { client: Client; config: Config }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const started = Date.now();
    // Asked at the same time; only shown when Temporal answers.
    const polling = workers(client, config);
    try {
      await client.withDeadline(started + HEALTH_DEADLINE_MS, () =>
        client.connection.workflowService.getSystemInfo({}),
      );
      const latencyMs = Date.now() - started;
      res.json({
        status: 'ok',
        temporal: {
          address: config.temporal.address,
          namespace: config.temporal.namespace,
          reachable: true,
          latencyMs,
        },
        workers: await polling,
      });
    } catch (err) {
      res.status(503).json({
        status: 'unavailable',
        temporal: {
          address: config.temporal.address,
          namespace: config.temporal.namespace,
          reachable: false,
          error: (err as Error).message,
        },
      });
    }
  });
  router.post('/selftest', adminOnly(config.api.adminToken), async (_req, res, next) => {
    try {
      // Concurrent self-tests each get a run of their own.
      const workflowId = `selftest-${randomUUID()}`;
      const result = await client.workflow.execute<typeof selfTestWorkflow>('selfTestWorkflow', {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: ['ping'],
        workflowExecutionTimeout: '30s',
      });
      res.json({ status: 'ok', ...result });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** Per task queue (the pipeline's and its Claude Code sessions'): live pollers, the last one seen, and a sentence. */
async function workers(client: Client, config: Config): Promise<Record<string, object>> {
  const queues = [config.temporal.taskQueue, claudeTaskQueue(config.temporal.taskQueue)];
  const entries = await Promise.all(
    queues.map(async (q) => {
      try {
        const { pollers, lastSeen, lastPoller, message } = await workerPresence(client, q, {
          deadlineMs: HEALTH_DEADLINE_MS,
        });
        return [q, { pollers, ...(lastSeen ? { lastSeen, lastPoller } : {}), message }] as const;
      } catch (err) {
        return [q, { error: `the task queue could not be described: ${(err as Error).message}` }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
