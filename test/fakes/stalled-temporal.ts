import http2 from 'node:http2';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * A Temporal frontend that stalls: on 127.0.0.1, over gRPC's documented HTTP/2 framing (a POST to
 * /<service>/<method>, a length-prefixed message, `grpc-status` in the trailers), it answers
 * GetSystemInfo (an empty response: the SDK connects) and never answers anything else, as a server
 * whose persistence hangs. `calls` lists the methods asked, in order.
 */
export async function startStalledTemporal(): Promise<{ address: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    const method = String(headers[':path'] ?? '');
    calls.push(method.slice(method.lastIndexOf('/') + 1));
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    if (!method.endsWith('/GetSystemInfo')) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    // Not compressed (0), length 0: the empty GetSystemInfoResponse.
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    async close() {
      for (const s of sessions) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
