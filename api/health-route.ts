import { randomUUID } from 'node:crypto';
import { adminOnly } from './http/admin-access';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import type { selfTestWorkflow } from '../workflows/self-test';

/** GET /healthz: is Temporal reachable? POST /selftest: does a workflow really run end to end on a worker? */
export function healthRoute({ client, config }: { client: Client; config: Config }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const started = Date.now();
    try {
      await client.connection.workflowService.getSystemInfo({});
      res.json({
        status: 'ok',
        temporal: {
          address: config.temporal.address,
          namespace: config.temporal.namespace,
          reachable: true,
          latencyMs: Date.now() - started,
        },
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
