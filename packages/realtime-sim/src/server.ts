import { EventEmitter, once as eventsOnce } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { type DropMode, SimConnection } from './connection.ts';
import type { SimLog, SimOptions, SimResponseLog, SimSessionLog } from './types.ts';

const DEFAULT_MODELS = [
  'step-2.5-realtime',
  'stepaudio-2.5-realtime',
  'step-1o-audio',
  'step-audio-2',
  'step-audio-2-mini',
];

export interface RealtimeSim {
  /** `ws://127.0.0.1:PORT/v1/realtime` — append `?model=` like the real endpoint. */
  readonly url: string;
  readonly apiKey: string;
  readonly responses: SimResponseLog[];
  readonly sessions: SimSessionLog[];
  readonly errors: SimLog['errors'];
  readonly events: EventEmitter<SimEvents>;
  readonly faults: SimFaults;
  /** Resolves with the next simulator event of that name (e.g. `await sim.once('response.done')`). */
  once<K extends keyof SimEvents>(name: K, timeoutMs?: number): Promise<SimEvents[K]>;
  /** Resolves once `predicate` holds, re-checked on every simulator event. */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Events the simulator emits for tests (tuple style). */
export interface SimEvents {
  'response.done': [SimResponseLog];
  connection: [SimSessionLog];
  append: [SimSessionLog, number];
}

export interface SimFaults {
  /** Kills the socket right after the first audio delta of the next response (default: TCP drop). */
  dropNextResponse(mode?: DropMode): void;
  /** Drops every open connection now (like a network cut). */
  dropAll(): void;
  /** Sends a raw frame to every connection: text as a text frame (malformed JSON, unknown types, oversized), bytes as a binary frame. */
  sendRaw(data: string | Uint8Array): void;
  /** Sends an error event to every connection. */
  sendError(code: string, message: string): void;
  /** Stops sending for `ms` (events are queued, then flushed). */
  stall(ms: number): void;
  /** Delays `session.created` on new connections. */
  slowStart(ms: number): void;
  /** Refuses the next `n` upgrades with an HTTP status. */
  rejectConnections(n: number, status?: number): void;
}

/**
 * Starts a local server speaking the StepFun realtime protocol.
 * Auth mirrors OpenAI/StepFun: a missing or wrong `Authorization: Bearer` key is refused with HTTP 401 on the
 * upgrade (JSON body `invalid_api_key`); an unknown `?model=` gets an `error` event `model_not_found`, then close 1008.
 * Messages above 16 MiB are closed by ws (1009); smaller ones above `maxMessageBytes` get a `message_too_large` error.
 */
export async function startRealtimeSim(options: SimOptions = {}): Promise<RealtimeSim> {
  const apiKey = options.apiKey ?? 'sim-key';
  const models = options.models ?? DEFAULT_MODELS;
  const events = new EventEmitter<SimEvents>();
  const log: SimLog = {
    responses: [],
    errors: [],
    onAppend: (s, n) => events.emit('append', s, n),
    onResponseDone: (r) => events.emit('response.done', r),
  };
  const sessions: SimSessionLog[] = [];
  const live = new Map<WebSocket, SimConnection>();
  let startDelayMs = 0;
  let rejectNext = 0;
  let rejectStatus = 500;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };

  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'application/json' }).end('{"error":{"message":"use a WebSocket"}}');
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });

  const refuse = (socket: Socket, status: number, type: string, message: string) => {
    const body = JSON.stringify({ error: { type, code: type, message } });
    socket.end(
      `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (rejectNext > 0) {
      rejectNext--;
      return refuse(socket, rejectStatus, 'server_error', 'simulated upstream failure');
    }
    if (url.pathname !== '/v1/realtime')
      return refuse(socket, 404, 'not_found', `no endpoint at ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return refuse(socket, 401, 'invalid_api_key', 'Incorrect API key provided.');
    }
    const model = url.searchParams.get('model') ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!options.acceptAnyModel && !models.includes(model)) {
        ws.send(
          JSON.stringify({
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: 'model_not_found',
              message: `The model '${model}' does not exist. Available: ${models.join(', ')}`,
            },
          }),
        );
        ws.close(1008, 'model_not_found');
        return;
      }
      const conn = new SimConnection(
        {
          send: (data) => ws.readyState === ws.OPEN && ws.send(data),
          close: (code, reason) => ws.close(code, reason),
          drop: (mode) => {
            if (mode === 'terminate') ws.terminate();
            else if (mode === 'close') ws.close(1011, 'simulated server error');
            // ws does not validate what it sends: the client receives a text frame that is not UTF-8.
            else ws.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
          },
          setTimeout: (fn, ms) => later(fn, ms),
          clearTimeout: (h) => {
            clearTimeout(h as ReturnType<typeof setTimeout>);
            timers.delete(h as ReturnType<typeof setTimeout>);
          },
        },
        options,
        log,
        model,
      );
      live.set(ws, conn);
      sessions.push(conn.log);
      events.emit('connection', conn.log);
      ws.on('message', (data, isBinary) => {
        // The simulator must outlive any client input: a throw here would take the test process down.
        try {
          conn.onMessage(isBinary ? (data as Buffer) : data.toString());
        } catch (err) {
          conn.sendRaw(
            JSON.stringify({ type: 'error', error: { type: 'server_error', message: String(err) } }),
          );
        }
      });
      ws.on('close', () => {
        live.delete(ws);
        conn.onClose();
      });
      ws.on('error', () => ws.terminate());
      later(() => conn.start(), startDelayMs);
      if (options.sessionCapMs) {
        later(() => {
          if (!live.has(ws)) return;
          conn.sendRaw(
            JSON.stringify({
              type: 'error',
              error: {
                type: 'invalid_request_error',
                code: 'session_expired',
                message: 'Your session hit the maximum duration.',
              },
            }),
          );
          ws.close(1000, 'session_expired');
        }, options.sessionCapMs);
      }
    });
  });

  await new Promise<void>((resolve) => http.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const faults: SimFaults = {
    dropNextResponse: (mode) => {
      for (const c of live.values()) c.dropNextResponse(mode);
    },
    dropAll: () => {
      for (const ws of live.keys()) ws.terminate();
    },
    sendRaw: (data) => {
      for (const c of live.values()) c.sendRaw(data);
    },
    sendError: (code, message) => {
      for (const c of live.values())
        c.sendRaw(JSON.stringify({ type: 'error', error: { type: 'server_error', code, message } }));
    },
    stall: (ms) => {
      const stalled = [...live.values()];
      for (const c of stalled) c.stall();
      later(() => {
        for (const c of stalled) c.resume();
      }, ms);
    },
    slowStart: (ms) => {
      startDelayMs = ms;
    },
    rejectConnections: (n, status = 500) => {
      rejectNext = n;
      rejectStatus = status;
    },
  };

  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    apiKey,
    responses: log.responses,
    sessions,
    errors: log.errors,
    events,
    faults,
    once<K extends keyof SimEvents>(name: K, timeoutMs = 10_000): Promise<SimEvents[K]> {
      const signal = AbortSignal.timeout(timeoutMs);
      return eventsOnce(events as EventEmitter, name, { signal }) as Promise<SimEvents[K]>;
    },
    waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const v = predicate();
          if (v !== undefined && v !== false) {
            cleanup();
            resolve(v);
          }
        };
        const poll = setInterval(check, 5);
        const timeout = setTimeout(() => {
          cleanup();
          reject(new Error('realtime-sim waitFor timed out'));
        }, timeoutMs);
        const cleanup = () => {
          clearInterval(poll);
          clearTimeout(timeout);
        };
        check();
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const ws of live.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
