import http from 'node:http';
import type { HostileRequest } from './hostile-requests';

export interface HostileResult {
  name: string;
  status?: number;
  error?: string;
  /** The ingress's worst event-loop delay while it handled this request. */
  stallMs?: number;
  /**
   * How much of the stall the ingress's own work accounts for: the stall, at most the CPU time the
   * ingress used meanwhile (waiting for a core on a busy machine uses none).
   */
  busyStallMs?: number;
  /** When `busyStallMs` was over the target: the least of it and two more tries of the same request. */
  reproducedStallMs?: number;
}

/**
 * Sends one request and reads the status. A body over 64 KB waits for `100 Continue`, as curl
 * does: a server that refuses on the headers alone (a wrong token, a header too large) answers
 * before the body is on the wire, instead of resetting a connection it is still being written to.
 */
export function sendRaw(baseUrl: string, r: HostileRequest): Promise<HostileResult> {
  const url = new URL(r.path, baseUrl);
  const expect = r.body.length > 64 * 1024;
  return new Promise((resolve) => {
    let status: number | undefined;
    const req = http.request(url, {
      method: r.method,
      headers: { ...r.headers, 'content-length': r.body.length, ...(expect ? { expect: '100-continue' } : {}) },
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('response', (res) => {
      status = res.statusCode;
      res.resume();
      res.on('end', () => resolve({ name: r.name, status }));
      res.on('error', () => resolve({ name: r.name, status }));
    });
    req.on('error', (err) => resolve({ name: r.name, ...(status ? { status } : { error: err.message }) }));
    if (!expect) req.end(r.body);
    else {
      req.flushHeaders();
      req.on('continue', () => req.end(r.body));
    }
  });
}
