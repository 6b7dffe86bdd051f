import express, { Router } from 'express';
import { HttpError } from '../http/http-error';
import { jsonOf } from '../http/json-body';
import { constantTimeEqual } from '../http/constant-time-equal';
import { webhookTargetSignature } from '../../workflows/domain/webhook-target';
import { verifyCursorSignature } from './verify-signature';
import { notifyRuns, type WebhookDeps } from '../webhook-runs';
import { parseStatusChange } from '../../activities/cursor/types';

/**
 * POST /webhooks/cursor?workflowId=…: Cursor's signed `statusChange` for an agent this
 * pipeline launched (the launch put the run's id in the URL). It wakes the run, which
 * then reads the agent's status itself.
 */
export function cursorWebhookRoute({ config, log, wakeUps }: WebhookDeps): Router {
  const router = Router();
  router.post('/webhooks/cursor', express.raw({ type: () => true, limit: '1mb' }), async (req, res, next) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifyCursorSignature(config.cursor.webhookSecret, raw, req.get('x-webhook-signature'));
      if (!check.ok) throw new HttpError(401, 'invalid_signature', `Cursor webhook rejected: ${check.reason}`);
      const agent = parseStatusChange(jsonOf(raw));
      if (!agent) {
        // Another event Cursor may add later: acknowledged, so it is not redelivered, and ignored.
        log({ msg: 'cursor webhook ignored: not a statusChange event' });
        res.status(202).json({ delivered: [], ignored: true, reason: 'not a statusChange event' });
        return;
      }
      // The body signature checked above needs the secret: it is set here.
      const workflowId = signedTarget(config.cursor.webhookSecret!, req.query.workflowId, req.query.sig);
      const { delivered, coalesced } = await notifyRuns(wakeUps, workflowId ? [workflowId] : [], {
        source: 'cursor',
        kind: agent.status,
        detail: agent.id,
      });
      log({ msg: 'cursor webhook', agent: agent.id, status: agent.status, delivered, coalesced });
      res.status(202).json({ delivered, coalesced, ignored: delivered.length + coalesced.length === 0 });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** The run named in the URL, when the URL's own signature of it checks out (the body's signature does not cover the query). */
function signedTarget(secret: string, workflowId: unknown, sig: unknown): string | undefined {
  if (typeof workflowId !== 'string') return undefined;
  if (typeof sig !== 'string' || !constantTimeEqual(sig.toLowerCase(), webhookTargetSignature(secret, workflowId))) {
    throw new HttpError(
      401,
      'invalid_target',
      'Cursor webhook rejected: the run in the URL is not signed for this pipeline',
    );
  }
  return workflowId;
}
