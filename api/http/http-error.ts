import type { ErrorRequestHandler } from 'express';
import { ServiceError } from '@temporalio/client';

/** An error at the HTTP edge: a status, a stable machine-readable code and a message for humans. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Every error leaves as `{ error: { code, message, field? } }`; unexpected ones are logged, not leaked. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof HttpError) {
    res
      .status(err.status)
      .json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
    return;
  }
  // Temporal busy or unreachable: the sender should deliver again (Datadog, Slack and GitHub do on 5xx).
  if (err instanceof ServiceError) {
    console.error(
      JSON.stringify({ level: 'warn', msg: 'Temporal refused a request', error: String(err.cause ?? err) }),
    );
    res
      .status(503)
      .set('retry-after', '5')
      .json({ error: { code: 'temporal_unavailable', message: `${err.message}: try again` } });
    return;
  }
  // express.json / urlencoded errors carry a status and a type.
  const e = err as { status?: number; type?: string; message?: string };
  if (e.type === 'entity.too.large') {
    res.status(413).json({ error: { code: 'payload_too_large', message: e.message } });
  } else if (e.type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'malformed_json', message: `Body is not valid JSON: ${e.message}` } });
  } else if (e.status && e.status >= 400 && e.status < 500) {
    res.status(e.status).json({ error: { code: e.type ?? 'bad_request', message: e.message } });
  } else {
    console.error(
      JSON.stringify({ level: 'error', msg: 'unhandled error in request', error: String(err?.stack ?? err) }),
    );
    res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  }
};
