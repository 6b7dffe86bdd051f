import { Router, type RequestHandler } from 'express';
import { Gauge } from 'prom-client';
import type { IngressMetrics } from './ingress-metrics';

export interface MetricsRouteDeps {
  metrics: IngressMetrics;
  /**
   * The Temporal runtime's Prometheus endpoint in this process (worker and API together,
   * as `npm start` runs them); its exposition is appended, so one scrape gets both.
   */
  runtimeMetricsUrl?: string;
  runtimeTimeoutMs?: number;
}

/** GET /metrics: the ingress's metrics and the Temporal runtime's (SDK and run metrics), in Prometheus text format. */
export function metricsRoute({ metrics, runtimeMetricsUrl, runtimeTimeoutMs = 2000 }: MetricsRouteDeps): Router {
  const router = Router();
  const runtimeUp = runtimeMetricsUrl
    ? new Gauge({
        name: 'bugfix_runtime_metrics_up',
        help: '1 when the Temporal runtime metrics endpoint answered the last scrape',
        registers: [metrics.registry],
      })
    : undefined;
  router.get('/metrics', async (_req, res, next) => {
    try {
      let runtime = '';
      if (runtimeMetricsUrl && runtimeUp) {
        runtime = await fetchText(runtimeMetricsUrl, runtimeTimeoutMs).then(
          (text) => {
            runtimeUp.set(1);
            return text;
          },
          (err: Error) => {
            runtimeUp.set(0);
            return `# Temporal runtime metrics unavailable from ${runtimeMetricsUrl}: ${err.message.replace(/\s+/g, ' ')}\n`;
          },
        );
      }
      const own = await metrics.registry.metrics();
      res.set('content-type', metrics.registry.contentType).send(`${own.endsWith('\n') ? own : `${own}\n`}${runtime}`);
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** Watches the Datadog webhook's answers (status and body) and counts them; the route itself stays metric-free. */
export function observeDatadogWebhook(metrics: IngressMetrics): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || req.path !== '/webhooks/datadog') return next();
    let body: unknown;
    const json = res.json.bind(res);
    res.json = (value: unknown) => {
      body = value;
      return json(value);
    };
    res.once('finish', () => {
      const b = (body ?? {}) as { deliveryId?: unknown; transition?: unknown; workflows?: { workflowId?: unknown }[] };
      metrics.observeDatadogAnswer({
        status: res.statusCode,
        ...(typeof b.deliveryId === 'string' ? { deliveryId: b.deliveryId } : {}),
        ...(typeof b.transition === 'string' ? { transition: b.transition } : {}),
        workflowIds: Array.isArray(b.workflows)
          ? b.workflows.map((w) => w?.workflowId).filter((id): id is string => typeof id === 'string')
          : [],
      });
    });
    next();
  };
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const text = await res.text();
  return text && !text.endsWith('\n') ? `${text}\n` : text;
}
