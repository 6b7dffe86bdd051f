import express, { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../../infra/platform/config/load-config';
import { fingerprintError, parseErrorStack, workflowIdFor } from '../../workflows/domain/identity/fingerprint';
import { checkBearer } from '../http/constant-time-equal';
import { HttpError } from '../http/http-error';
import { jsonOf } from '../http/json-body';
import { legacyFingerprint } from '../../workflows/domain/identity/legacy-fingerprint';
import { LegacyRuns } from './legacy-runs';
import type { WebhookDeps } from '../webhook-runs';
import { parseDatadogAlert, type ReportedError } from './parse-alert';
import { occurrencesSignal } from '../../workflows/domain/messages';
import { OccurrenceSender } from './occurrence-sender';
import type { RunSettings } from '../../workflows/domain/run-status';
import type { ErrorIdentity, OccurrenceBatch } from '../../workflows/domain/types';

export function runSettings(config: Config): RunSettings {
  return {
    approvalTimeoutMs: config.approval.timeoutMs,
    reminderIntervalMs: config.approval.reminderIntervalMs,
    claudeTimeoutMs: config.claude.timeoutMs,
    temporalUiUrl: config.temporal.uiUrl,
    namespace: config.temporal.namespace,
    applyMode: config.fix.applyMode,
    baseBranch: config.git.branch,
    deployEnvironment: config.github.deployEnvironment,
    prWaitTimeoutMs: config.tracking.prWaitTimeoutMs,
    deployTimeoutMs: config.tracking.deployTimeoutMs,
    verifyWindowMs: config.tracking.verifyWindowMs,
    pollIntervalMs: config.tracking.pollIntervalMs,
    maxPollIntervalMs: config.tracking.maxPollIntervalMs,
    protectedPaths: config.fix.protectedPaths,
    budget: config.budget,
    tests: { policy: config.tests.policy, maxAttempts: config.tests.maxAttempts, timeoutMs: config.tests.timeoutMs },
    ...(config.triage.enabled ? { triage: { minConfidence: config.triage.minConfidence } } : {}),
    rollback: config.afterDeploy.rollback,
    ...(config.afterDeploy.impact ? { impact: config.afterDeploy.impact } : {}),
    outage: {
      toleranceMs: config.tracking.outageToleranceMs,
      maxRetryIntervalMs: config.tracking.outageMaxRetryIntervalMs,
    },
  };
}

/**
 * POST /webhooks/datadog: authenticate, group the alert's errors by fingerprint,
 * and signal-with-start one run per unique error. A repeat of a running error
 * only signals it; a repeated delivery ($ID) is counted once by the run.
 */
export function datadogWebhookRoute({ client, config, log }: WebhookDeps): Router {
  const router = Router();
  const legacyRuns = new LegacyRuns(client);
  const sender = new OccurrenceSender(client, config.temporal.taskQueue);
  const prefix = config.temporal.workflowIdPrefix;

  /** Occurrences of this error that belong to a run started under the old fingerprint, signalled there. */
  async function toLegacyRuns(
    identity: ErrorIdentity,
    errors: Sighting[],
    batch: Omit<OccurrenceBatch, 'occurrences'>,
  ) {
    const byLegacyId = new Map<string, ReportedError[]>();
    for (const { error, legacyId } of errors) {
      const group = byLegacyId.get(legacyId);
      if (group) group.push(error);
      else byLegacyId.set(legacyId, [error]);
    }
    const sent: { workflowId: string; errors: ReportedError[] }[] = [];
    for (const [workflowId, group] of byLegacyId) {
      if (workflowId === workflowIdFor(identity, prefix) || !(await legacyRuns.isRunning(workflowId))) continue;
      try {
        await client.workflow
          .getHandle(workflowId)
          .signal(occurrencesSignal, { ...batch, occurrences: group.map((e) => e.occurrence) });
        sent.push({ workflowId, errors: group });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        legacyRuns.ended(workflowId);
      }
    }
    return sent;
  }

  /** Before the body is read: nobody without the token gets the parser's attention, however large the body. */
  const authenticate: express.RequestHandler = (req, _res, next) => {
    const token = config.datadog.webhookToken;
    if (!token) {
      next(new HttpError(503, 'not_configured', 'DATADOG_WEBHOOK_TOKEN is not set: refusing unauthenticated webhooks'));
      return;
    }
    const denied = checkBearer(req.get('authorization'), token);
    next(denied ? new HttpError(401, 'unauthorized', `Datadog webhook rejected: ${denied}`) : undefined);
  };

  const { maxRowsPerDelivery, maxErrorsPerDelivery } = config.ingress;
  router.post(
    '/webhooks/datadog',
    authenticate,
    express.raw({ limit: '1mb', type: () => true }),
    async (req, res, next) => {
      try {
        const body = jsonOf(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
        const alert = parseDatadogAlert(body, new Date(), { maxRows: maxRowsPerDelivery });
        if (!alert.active) {
          log({
            msg: 'alert recorded, no fix run',
            deliveryId: alert.deliveryId,
            transition: alert.transition,
            title: alert.alert.title,
          });
          res
            .status(202)
            .json({ deliveryId: alert.deliveryId, transition: alert.transition, recorded: true, workflows: [] });
          return;
        }

        const groups = new Map<string, { identity: ErrorIdentity; errors: Sighting[] }>();
        for (const error of alert.errors) {
          // One parse of the trace serves both identity rules.
          const input = inputOf(error);
          const parsed = parseErrorStack(input.stack);
          const identity = fingerprintError(input, parsed);
          const legacyId = workflowIdFor(
            { service: identity.service, fingerprint: legacyFingerprint(input, parsed) },
            prefix,
          );
          const group = groups.get(identity.fingerprint);
          if (group) group.errors.push({ error, legacyId });
          else groups.set(identity.fingerprint, { identity, errors: [{ error, legacyId }] });
        }
        // One delivery starts at most INGRESS_MAX_ERRORS runs, the most frequent errors first; the rest is counted, not lost silently.
        const ranked = [...groups.values()].sort((a, b) => b.errors.length - a.errors.length);
        const kept = ranked.slice(0, maxErrorsPerDelivery);
        const skippedErrors = ranked.slice(maxErrorsPerDelivery);
        const skipped = {
          rows: alert.rowsReceived - Math.min(alert.rowsReceived, maxRowsPerDelivery),
          errors: skippedErrors.length,
          occurrences: skippedErrors.reduce((n, g) => n + g.errors.length, 0),
        };
        const anySkipped = skipped.rows > 0 || skipped.errors > 0;
        if (anySkipped)
          log({
            msg: 'alert over the per-delivery bounds',
            level: 'warn',
            deliveryId: alert.deliveryId,
            skipped,
            maxRowsPerDelivery,
            maxErrorsPerDelivery,
          });

        const settings = runSettings(config);
        const workflows = (
          await Promise.all(
            kept.map(async ({ identity, errors }) => {
              const batch = { deliveryId: alert.deliveryId, alert: alert.alert };
              const legacy = await toLegacyRuns(identity, errors, batch);
              const rest = errors.map((s) => s.error).filter((e) => !legacy.some((l) => l.errors.includes(e)));
              const accepted = legacy.map((l) => ({
                workflowId: l.workflowId,
                fingerprint: identity.fingerprint,
                service: identity.service,
                errorType: identity.errorType,
                occurrences: l.errors.length,
                legacyFingerprint: true,
              }));
              if (!rest.length) return accepted;
              const workflowId = workflowIdFor(identity, prefix);
              const runId = await sender.send(
                workflowId,
                { identity, settings },
                { ...batch, occurrences: rest.map((e) => e.occurrence) },
              );
              return [
                ...accepted,
                {
                  workflowId,
                  runId,
                  fingerprint: identity.fingerprint,
                  service: identity.service,
                  errorType: identity.errorType,
                  occurrences: rest.length,
                },
              ];
            }),
          )
        ).flat();
        log({ msg: 'alert accepted', deliveryId: alert.deliveryId, workflows: workflows.map((w) => w.workflowId) });
        res.status(202).json({
          deliveryId: alert.deliveryId,
          transition: alert.transition,
          workflows,
          ...(anySkipped ? { skipped } : {}),
        });
      } catch (err) {
        next(err);
      }
    },
  );
  return router;
}

/** One reported error, with the id its run would have had under the old identity rule. */
interface Sighting {
  error: ReportedError;
  legacyId: string;
}

function inputOf(e: ReportedError) {
  return { service: e.service, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}
