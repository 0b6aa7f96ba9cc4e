import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ScriptedTransport } from '../testing/scripted-transport.ts';
import { type TransportHarness, transportContract } from '../testing/transport-contract.ts';
import { createWsTransport } from './ws-transport.ts';

function queue<T>() {
  const items: T[] = [];
  const waiters: ((v: T) => void)[] = [];
  return {
    push(v: T) {
      const w = waiters.shift();
      if (w) w(v);
      else items.push(v);
    },
    next(): Promise<T> {
      const v = items.shift();
      return v === undefined ? new Promise((r) => waiters.push(r)) : Promise.resolve(v);
    },
  };
}

transportContract('ScriptedTransport', async () => {
  const t = new ScriptedTransport({ url: 'ws://x', headers: {} }, true);
  const frames = queue<string>();
  t.onRawSend = (data) => frames.push(data);
  return {
    transport: t,
    received: () => frames.next(),
    serverSend: (text) => t.serverSend(text),
    serverClose: (code, reason) => t.serverClose(code, reason),
    dispose: async () => {},
  } satisfies TransportHarness;
});

transportContract('ws transport over loopback', async () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const frames = queue<string>();
  const sockets: import('ws').WebSocket[] = [];
  server.on('connection', (ws, req) => {
    if (req.headers.authorization !== 'Bearer k') ws.close(4003, 'no auth');
    sockets.push(ws);
    ws.on('message', (d) => frames.push(d.toString()));
  });
  const port = (server.address() as AddressInfo).port;
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${port}/v1/realtime?model=m`,
    headers: { Authorization: 'Bearer k' },
  });
  return {
    transport,
    received: () => frames.next(),
    serverSend: (text) => sockets[0]?.send(text),
    serverClose: (code, reason) => sockets[0]?.close(code, reason),
    dispose: async () => {
      transport.close();
      for (const s of sockets) s.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
});
