import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportCloseInfo } from './types.ts';
import { createWsTransport, parseRetryAfter } from './ws-transport.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** An HTTP server that refuses every WebSocket upgrade with `status`, `headers` and `body`. */
async function refusing(status: number, headers: Record<string, string>, body: string): Promise<string> {
  server = createServer();
  server.on('upgrade', (_req, socket) => {
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.end(
      `HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
    );
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime?model=m`;
}

function closeInfo(url: string): Promise<TransportCloseInfo> {
  const t = createWsTransport({ url, headers: { Authorization: 'Bearer k' } });
  t.on('error', () => {});
  const closed = new Promise<TransportCloseInfo>((resolve) => t.on('close', resolve));
  t.connect();
  return closed;
}

describe('ws transport: a refused upgrade', () => {
  it('reports the HTTP status, the body and Retry-After', async () => {
    const body = '{"error":{"message":"请求的资源超限","type":"rate_limit_exceeded"}}';
    const info = await closeInfo(await refusing(429, { 'Retry-After': '12' }, body));
    expect(info).toMatchObject({ httpStatus: 429, httpBody: body, retryAfterMs: 12_000 });
  });

  it('keeps at most 1 KiB of a long body', async () => {
    const info = await closeInfo(await refusing(400, {}, `{"error":"${'x'.repeat(5000)}"}`));
    expect(info.httpStatus).toBe(400);
    expect(info.httpBody).toHaveLength(1024);
    expect(info.retryAfterMs).toBeUndefined();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
