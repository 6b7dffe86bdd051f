import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOnly, isLoopback } from '../../../api/http/admin-access';
import type { HttpError } from '../../../api/http/http-error';
import { startPipeline, type Pipeline } from '../../support/pipeline';

/** What the guard passes to `next`: undefined to serve, an HttpError to refuse. */
function verdict(token: string | undefined, remoteAddress: string, authorization?: string): HttpError | undefined {
  let seen: unknown = 'not called';
  const req = {
    socket: { remoteAddress },
    get: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined),
  };
  adminOnly(token)(req as unknown as Request, {} as never, (err?: unknown) => (seen = err));
  return seen as HttpError | undefined;
}

describe('admin endpoints: loopback only, or a token', () => {
  it('knows loopback addresses, IPv4-mapped ones included', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', '2001:db8::1', undefined])
      expect(isLoopback(a), String(a)).toBe(false);
  });

  it('without ADMIN_TOKEN, another host gets 403 saying how to open it; loopback is served', () => {
    expect(verdict(undefined, '10.0.0.5')).toMatchObject({
      status: 403,
      code: 'forbidden',
      message: expect.stringContaining('ADMIN_TOKEN') as unknown,
    });
    expect(verdict(undefined, '127.0.0.1')).toBeUndefined();
  });

  it('with ADMIN_TOKEN, the token is required from anywhere, loopback included', () => {
    expect(verdict('s3cret-admin', '127.0.0.1')).toMatchObject({ status: 401 });
    expect(verdict('s3cret-admin', '10.0.0.5', 'Bearer wrong')).toMatchObject({ status: 401 });
    expect(verdict('s3cret-admin', '10.0.0.5', 'Bearer s3cret-admin')).toBeUndefined();
  });

  describe('through the API', () => {
    let p: Pipeline;
    beforeAll(async () => {
      p = await startPipeline({ ADMIN_TOKEN: 'admin-token-for-tests' }, { worker: false });
    });
    afterAll(() => p?.close());

    it('GET /metrics and POST /selftest need the token; /healthz stays open for probes', async () => {
      const auth = { authorization: 'Bearer admin-token-for-tests' };
      expect((await fetch(`${p.apiUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${p.apiUrl}/selftest`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${p.apiUrl}/metrics`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${p.apiUrl}/healthz`)).status).toBe(200);
    });
  });
});
