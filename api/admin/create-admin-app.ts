import { createHash } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../../infra/platform/config/load-config';
import { parseDuration } from '../../infra/platform/config/duration';
import { loadReportRows } from '../../activities/temporal/load-report-rows';
import { computeReport, type Report } from '../../workflows/domain/report/compute-report';
import { adminOnly } from '../http/admin-access';
import { errorHandler, HttpError } from '../http/http-error';
import { PAGE_STYLE, renderReportPage } from './report-page';
import { renderRunImpactPage } from './run-impact-page';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { RunStatus } from '../../workflows/domain/run-status';
import { statusQuery } from '../../workflows/domain/messages';

export interface AdminAppDeps {
  client: Client;
  config: Config;
  /** The report's clock (tests pin it). */
  now?: () => Date;
}

const MAX_SINCE_MS = 400 * 86_400_000;

/**
 * The page loads nothing from anywhere: no script at all, its one stylesheet by hash, the favicon
 * as an empty data URL (so the browser does not ask for one).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
  'img-src data:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  next();
};

/** One query parameter as a string (a repeated one counts as its first). */
function param(req: Request, name: string): string | undefined {
  const v: unknown = req.query[name];
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' && first.trim() ? first.trim() : undefined;
}

/**
 * The admin listener's app, apart from the public ingress: GET /report (the HTML page) and
 * GET /report.json, both with `?since=30d` and `?service=`, behind the same guard as /metrics
 * (ADMIN_TOKEN as a bearer token, else loopback clients only).
 */
export function createAdminApp({ client, config, now = () => new Date() }: AdminAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(adminOnly(config.api.adminToken));
  app.use(securityHeaders);

  const report = async (req: Request): Promise<{ report: Report; since: string; service?: string }> => {
    const since = param(req, 'since') ?? '30d';
    const ms = parseDuration(since);
    if (ms === undefined || ms > MAX_SINCE_MS)
      throw new HttpError(
        400,
        'invalid_since',
        'since: expected a duration such as 24h, 7d, 30d (at most 400d)',
        'since',
      );
    const service = param(req, 'service');
    if (service && service.length > 200) throw new HttpError(400, 'invalid_service', 'service: too long', 'service');
    const at = now();
    const from = new Date(at.getTime() - ms);
    const rows = await loadReportRows(client, {
      prefix: config.temporal.workflowIdPrefix,
      since: from,
      ...(service ? { service } : {}),
    });
    return {
      report: computeReport(rows, { since: from.toISOString(), now: at.toISOString() }),
      since,
      ...(service ? { service } : {}),
    };
  };

  app.get('/report.json', async (req, res) => {
    res.json((await report(req)).report);
  });
  app.get('/report', async (req, res) => {
    const r = await report(req);
    res.type('html').send(renderReportPage(r.report, { since: r.since, ...(r.service ? { service: r.service } : {}) }));
  });
  app.get('/report/runs/:workflowId', async (req, res) => {
    const id = req.params.workflowId;
    const status = id.startsWith(config.temporal.workflowIdPrefix) ? await runStatus(client, id) : undefined;
    if (!status) throw new HttpError(404, 'not_found', `No run ${id} of this deployment`);
    if (!status.impact || !status.deployment)
      throw new HttpError(404, 'no_impact', `Run ${id} has no before/after figures: only deployed fixes measure them`);
    res.type('html').send(
      renderRunImpactPage({
        workflowId: id,
        service: status.identity.service,
        errorType: status.identity.errorType,
        deployedAt: status.deployment.at,
        impact: status.impact,
      }),
    );
  });
  app.get('/', (_req, res) => res.redirect(302, 'report'));
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}

/** A run's record: its result once closed, its own answer while open (a worker must be polling). */
async function runStatus(client: Client, workflowId: string): Promise<RunStatus | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  const d = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  });
  if (!d) return undefined;
  if (d.status.name === 'COMPLETED') return (await handle.result()) as RunStatus;
  if (d.status.name !== 'RUNNING') return undefined;
  return client
    .withDeadline(Date.now() + 5_000, () => handle.query(statusQuery))
    .catch(() => {
      throw new HttpError(503, 'no_worker', `Run ${workflowId} is open and no worker answered for its status`);
    });
}
