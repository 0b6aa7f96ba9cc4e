// A bare WebSocket client written the way any realtime client is: nothing from this repository on the
// client side, so the wire format itself is what the simulator tests check.
import WebSocket from 'ws';
import type { RealtimeSim } from '../src/index.ts';

export type Ev = { type: string; [k: string]: unknown };

export interface RawClient {
  ws: WebSocket;
  events: Ev[];
  /** The next event of `type` not yet taken (already received or still to come). */
  next(type: string): Promise<Ev>;
  send(e: object): void;
  append(pcm: Int16Array): void;
  /** The HTTP status and body of a refused upgrade. */
  refused(): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
}

export function rawClient(sim: RealtimeSim, model: string, key = sim.apiKey): RawClient {
  const ws = new WebSocket(`${sim.url}?model=${model}`, { headers: { Authorization: `Bearer ${key}` } });
  const events: Ev[] = [];
  const taken = new Set<Ev>();
  const waiters: { type: string; resolve: (e: Ev) => void }[] = [];
  ws.on('message', (d) => {
    const e = JSON.parse(d.toString()) as Ev;
    events.push(e);
    const w = waiters.find((x) => x.type === e.type);
    if (w) {
      waiters.splice(waiters.indexOf(w), 1);
      taken.add(e);
      w.resolve(e);
    }
  });
  ws.on('error', () => {});
  const next = (type: string) =>
    new Promise<Ev>((resolve) => {
      const seen = events.find((e) => e.type === type && !taken.has(e));
      if (seen) {
        taken.add(seen);
        resolve(seen);
      } else waiters.push({ type, resolve });
    });
  const send = (e: object) => ws.send(JSON.stringify(e));
  const append = (pcm: Int16Array) => {
    for (let at = 0; at < pcm.length; at += 2400) {
      const part = pcm.subarray(at, at + 2400);
      send({
        type: 'input_audio_buffer.append',
        audio: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'),
      });
    }
  };
  const refused = () =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
    });
  return { ws, events, next, send, append, refused };
}

export const errorCode = (e: Ev) => (e.error as { code: unknown } | undefined)?.code ?? e.code;
export const errorMessage = (e: Ev) =>
  String((e.error as { message: unknown } | undefined)?.message ?? e.message);
