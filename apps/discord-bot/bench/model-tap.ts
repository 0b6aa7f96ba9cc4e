// A loopback WebSocket relay between the bot and realtime-sim that timestamps, on the emulator
// side of the wire, every input_audio_buffer.append the bot sends and the first
// response.audio.delta of each response. The realtime-sim exposes no per-event send times, and
// timing here (same clock as discord-sim's performance.now()) gives end-to-end figures.
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** Timestamps for one model connection (performance.now() ms). */
export interface TapConnection {
  readonly index: number;
  appendTimes: number[];
  firstDeltaTimes: number[];
  /** When the bot's conversation.item.truncate (its barge-in decision) reached the emulator side. */
  truncateTimes: number[];
}

/** A running relay. */
export interface ModelTap {
  /** ws URL to give the bot instead of the simulator's. */
  readonly url: string;
  readonly connections: TapConnection[];
  /** Called with each new connection (in accept order). */
  onConnection?: ((c: TapConnection) => void) | undefined;
  close(): Promise<void>;
}

const APPEND = '"input_audio_buffer.append"';
const TRUNCATE = '"conversation.item.truncate"';
const RESPONSE_ID = /"response_id":"([^"]+)"/;
const CREATED_ID = /"type":"response\.created".*?"response":\{"id":"([^"]+)"/;

/** Starts the relay on 127.0.0.1; `target` is the simulator's ws URL. */
export async function startModelTap(target: string): Promise<ModelTap> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const targetUrl = new URL(target);
  const tap: ModelTap = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}${targetUrl.pathname}`,
    connections: [],
    onConnection: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (client, req) => {
    const conn: TapConnection = {
      index: tap.connections.length,
      appendTimes: [],
      firstDeltaTimes: [],
      truncateTimes: [],
    };
    tap.connections.push(conn);
    tap.onConnection?.(conn);
    const seenResponses = new Set<string>();
    const upstreamUrl = new URL(req.url ?? '/', targetUrl);
    const headers: Record<string, string> = {};
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const upstream = new WebSocket(upstreamUrl, { headers, perMessageDeflate: false });
    const queued: string[] = [];
    client.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (text.includes(APPEND)) conn.appendTimes.push(performance.now());
      else if (text.includes(TRUNCATE)) conn.truncateTimes.push(performance.now());
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else queued.push(text);
    });
    upstream.on('open', () => {
      for (const m of queued.splice(0)) upstream.send(m);
    });
    // StepFun's deltas carry no response_id: they belong to the response last created.
    let current: string | undefined;
    upstream.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"response.created"')) current = CREATED_ID.exec(text.slice(0, 400))?.[1];
      // Only the first delta of a response is timed; the regex runs on the event head only.
      if (text.includes('audio.delta')) {
        const id = RESPONSE_ID.exec(text.slice(0, 400))?.[1] ?? current;
        if (id && !seenResponses.has(id)) {
          seenResponses.add(id);
          conn.firstDeltaTimes.push(performance.now());
        }
      }
      client.send(text);
    });
    const closeBoth = (): void => {
      if (client.readyState === WebSocket.OPEN) client.close();
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING)
        upstream.terminate();
    };
    upstream.on('close', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    client.on('error', closeBoth);
  });
  return tap;
}
