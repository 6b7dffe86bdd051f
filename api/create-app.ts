import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../infra/platform/config/load-config';
import { errorHandler, HttpError } from './http/http-error';
import { adminOnly } from './http/admin-access';
import { healthRoute } from './health-route';
import { datadogWebhookRoute } from './datadog/webhook-route';
import { slackInteractionsRoute } from './slack/interactions-route';
import { githubWebhookRoute } from './github/webhook-route';
import { cursorWebhookRoute } from './cursor/webhook-route';
import { jiraWebhookRoute } from './jira/webhook-route';
import { createIngressMetrics, type IngressMetrics } from './metrics/ingress-metrics';
import { metricsRoute, observeDatadogWebhook } from './metrics/metrics-route';
import { WakeUps } from './wake-ups';
import { entryLogger } from '../infra/platform/observability/logger';
import type { DecisionDeliveries } from './slack/decision-deliveries';

export interface AppDeps {
  client: Client;
  config: Config;
  slack?: WebClient;
  log?: (entry: Record<string, unknown>) => void;
  metrics?: IngressMetrics;
  /** The in-process Temporal runtime's Prometheus endpoint, appended to GET /metrics. */
  runtimeMetricsUrl?: string;
  /** Slack decisions still being sent; the caller drains them at shutdown. */
  deliveries?: DecisionDeliveries;
}

/** The thin ingress: authenticate, translate to Temporal, answer fast. All state lives in the workflows. */
export function createApp({
  client,
  config,
  slack,
  log = entryLogger(),
  metrics = createIngressMetrics(),
  runtimeMetricsUrl,
  deliveries,
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Webhook answers are never revalidated: hashing every body for an ETag is wasted work on the hot path.
  app.disable('etag');
  app.use(healthRoute({ client, config }));
  app.use('/metrics', adminOnly(config.api.adminToken));
  app.use(metricsRoute({ metrics, ...(runtimeMetricsUrl ? { runtimeMetricsUrl } : {}) }));
  app.use(observeDatadogWebhook(metrics));
  const wakeUps = new WakeUps(client);
  app.use(datadogWebhookRoute({ client, config, log, wakeUps }));
  app.use(
    slackInteractionsRoute({ client, config, ...(slack ? { slack } : {}), ...(deliveries ? { deliveries } : {}), log }),
  );
  app.use(githubWebhookRoute({ client, config, log, wakeUps }));
  app.use(cursorWebhookRoute({ client, config, log, wakeUps }));
  app.use(jiraWebhookRoute({ client, config, log, wakeUps }));
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}
