import { EventEmitter, once as eventsOnce } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { type DropMode, SimConnection } from './connection.ts';
import { RateLimiter } from './limits.ts';
import { OPENAI_MODELS, REALTIME_PATHS, STEPFUN_MODELS } from './models.ts';
import type { SimScript } from './script.ts';
import type { SimLog, SimOptions, SimResponseLog, SimSessionLog } from './types.ts';
import { type ErrorShape, errorEvent, REFUSALS, refusalResponse, type SimError } from './wire/errors.ts';
import { ServerEvents } from './wire/server-events.ts';

export interface RealtimeSim {
  /** `ws://127.0.0.1:PORT/v1/realtime` (`wss://` with `tls`) — append `?model=` like the real endpoint. */
  readonly url: string;
  readonly apiKey: string;
  readonly dialect: 'stepfun' | 'openai';
  readonly responses: SimResponseLog[];
  readonly sessions: SimSessionLog[];
  readonly errors: SimLog['errors'];
  /** Every upgrade request and the HTTP status it got (101 when accepted). */
  readonly upgrades: { status: number; model: string }[];
  readonly events: EventEmitter<SimEvents>;
  readonly faults: SimFaults;
  /** What committed turns and replies say (see script.ts); hooks may be set or replaced at any time. */
  readonly script: SimScript;
  /** Resolves with the next simulator event of that name (e.g. `await sim.once('response.done')`). */
  once<K extends keyof SimEvents>(name: K, timeoutMs?: number): Promise<SimEvents[K]>;
  /** Resolves once `predicate` holds (re-checked every 5 ms), or rejects after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Events the simulator emits for tests (tuple style). */
export interface SimEvents {
  'response.done': [SimResponseLog];
  connection: [SimSessionLog];
  /** Input audio as the server decoded it (samples at 24 kHz mono), for tests of what the model heard. */
  append: [SimSessionLog, number, Int16Array];
}

export interface SimFaults {
  /** Kills the socket right after the first audio delta of the next response (default: TCP drop). */
  dropNextResponse(mode?: DropMode): void;
  /** Drops every open connection now (like a network cut). */
  dropAll(): void;
  /** Sends a raw frame to every connection: text as a text frame, bytes as a binary frame. */
  sendRaw(data: string | Uint8Array): void;
  /** Sends an error event to every connection, in the simulator's error shape unless told otherwise. */
  sendError(code: string, message: string, options?: { shape?: ErrorShape; status?: number }): void;
  /** Stops sending for `ms` (events are queued, then flushed). */
  stall(ms: number): void;
  /** Delays `session.created` on new connections. */
  slowStart(ms: number): void;
  /** Refuses the next `n` upgrades with an HTTP status and a JSON body (and `Retry-After` if given). */
  rejectConnections(n: number, status?: number, options?: { message?: string; retryAfterSec?: number }): void;
  /**
   * Accepts the next `n` upgrades, sends session.created, then an error event and closes (default
   * 1008): what an exhausted quota looks like when the refusal comes after the handshake.
   */
  refuseAfterAccept(n: number, error: { code: string | number; message: string; closeCode?: number }): void;
  /** Ends every open session now as the cap does (`sessionCapMs`): a session_expired error, then close. */
  expireSessions(): void;
}

/**
 * Starts a local server speaking StepFun's realtime protocol (or the OpenAI beta dialect).
 * A missing or wrong `Authorization: Bearer` key is refused with HTTP 401 on the upgrade (JSON body);
 * an unknown `?model=` with HTTP 400 (or an error event, see `modelRefusal`); the provider limits with
 * 429 and `Retry-After`. Messages above 16 MiB are closed by ws (1009); smaller ones above
 * `maxMessageBytes` (default 15 MB, the reference's chunk limit) get a `message_too_large` error.
 */
export async function startRealtimeSim(given: SimOptions = {}): Promise<RealtimeSim> {
  // One script object for every connection: a test may set its hooks after the server started.
  const options: SimOptions = { ...given, script: given.script ?? {} };
  const apiKey = options.apiKey ?? 'sim-key';
  const dialect = options.dialect ?? 'stepfun';
  const models: readonly string[] =
    options.models ?? (dialect === 'stepfun' ? STEPFUN_MODELS : OPENAI_MODELS);
  const modelRefusal = options.modelRefusal ?? (dialect === 'stepfun' ? 'http' : 'event');
  const now = options.now ?? Date.now;
  const limiter = new RateLimiter(options.limits);
  const events = new EventEmitter<SimEvents>();
  const log: SimLog = {
    responses: [],
    errors: [],
    onAppend: (s, n, pcm) => events.emit('append', s, n, pcm),
    onResponseDone: (r) => events.emit('response.done', r),
  };
  const sessions: SimSessionLog[] = [];
  const upgrades: RealtimeSim['upgrades'] = [];
  const live = new Map<WebSocket, SimConnection>();
  const expiries = new Map<WebSocket, () => void>();
  let startDelayMs = 0;
  let reject = {
    n: 0,
    status: 500,
    message: undefined as string | undefined,
    retryAfterSec: undefined as number | undefined,
  };
  let refuseAfter = { n: 0, code: '' as string | number, message: '', closeCode: 1008 };
  let traces = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
    return t;
  };
  const cancel = (t: unknown) => {
    clearTimeout(t as ReturnType<typeof setTimeout>);
    timers.delete(t as ReturnType<typeof setTimeout>);
  };

  const onRequest = (_req: IncomingMessage, res: import('node:http').ServerResponse) => {
    res.writeHead(426, { 'content-type': 'application/json' }).end('{"error":{"message":"use a WebSocket"}}');
  };
  const http = options.tls ? createHttpsServer(options.tls, onRequest) : createHttpServer(onRequest);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  // StepFun answers with an X-Trace-Id header (the reference's audio.done sample names a "traceid").
  wss.on('headers', (headers, req) =>
    headers.push(`X-Trace-Id: ${(req as IncomingMessage & { traceId?: string }).traceId}`),
  );

  const refuse = (
    socket: Socket,
    model: string,
    status: number,
    message?: string,
    headers?: Record<string, string>,
  ) => {
    upgrades.push({ status, model });
    socket.end(refusalResponse(status, message === undefined ? undefined : { message }, headers));
  };

  http.on('upgrade', (req: IncomingMessage & { traceId?: string }, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const model = url.searchParams.get('model') ?? '';
    if (reject.n > 0) {
      reject.n--;
      const headers: Record<string, string> =
        reject.retryAfterSec === undefined ? {} : { 'Retry-After': String(reject.retryAfterSec) };
      return refuse(socket, model, reject.status, reject.message, headers);
    }
    if (!REALTIME_PATHS.includes(url.pathname)) return refuse(socket, model, 404);
    if (req.headers.authorization !== `Bearer ${apiKey}`) return refuse(socket, model, 401);
    const known = options.acceptAnyModel || models.includes(model);
    if (!known && modelRefusal === 'http') {
      return refuse(
        socket,
        model,
        400,
        `模型不存在或无权限: ${model || '(no model)'}; available: ${models.join(', ')}`,
      );
    }
    const admission = limiter.admit(now());
    if (!admission.ok) {
      const why = admission.reason === 'rpm' ? 'RPM 超限' : '并发超限';
      return refuse(socket, model, 429, `${REFUSALS[429]!.message} (${why})`, {
        'Retry-After': String(admission.retryAfterSec),
      });
    }
    req.traceId = `trace-${(++traces).toString(36).padStart(6, '0')}`;
    upgrades.push({ status: 101, model });
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sendJson = (e: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(e));
      if (!known) {
        // The refusal as an event: OpenAI's wording, or StepFun's Chinese one (error-code table, 400).
        const message =
          dialect === 'stepfun'
            ? `模型不存在或无权限: ${model}`
            : `The model '${model}' does not exist or you do not have access to it.`;
        const code = dialect === 'stepfun' ? 'invalid_param' : 'model_not_found';
        sendJson(
          errorEvent({ type: 'invalid_request_error', code, message }, options.errorShape ?? 'wrapped'),
        );
        ws.close(1008, 'model not available');
        return;
      }
      limiter.opened();
      const serverEvents = new ServerEvents(dialect, req.traceId ?? 'traceid', {
        ...(options.quirks?.sessionUpdatedAsCreated ? { sessionUpdatedAsCreated: true } : {}),
        ...(options.quirks?.stringAudioMs ? { stringAudioMs: true } : {}),
      });
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
          clearTimeout: cancel,
        },
        options,
        log,
        { model, events: serverEvents, rateLimits: () => limiter.requests(now()) },
      );
      live.set(ws, conn);
      sessions.push(conn.log);
      events.emit('connection', conn.log);
      ws.on('message', (data, isBinary) => {
        // The simulator must outlive any client input: a throw here would take the test process down.
        try {
          conn.onMessage(isBinary ? (data as Buffer) : data.toString());
        } catch (err) {
          conn.sendError({ type: 'server_error', code: 'server_error', message: String(err) });
        }
      });
      const expire = () => {
        if (!live.has(ws)) return;
        // The developer guide: "实时会话的最长持续时间为30分钟".
        conn.sendError({
          type: 'invalid_request_error',
          code: 'session_expired',
          message: 'Your session hit the maximum duration of 30 minutes.',
        });
        ws.close(1000, 'session_expired');
      };
      expiries.set(ws, expire);
      const cap = later(expire, options.sessionCapMs ?? 30 * 60_000);
      ws.on('close', () => {
        cancel(cap);
        expiries.delete(ws);
        limiter.closed();
        live.delete(ws);
        conn.onClose();
      });
      ws.on('error', () => ws.terminate());
      later(() => {
        conn.start();
        if (refuseAfter.n > 0) {
          refuseAfter.n--;
          const { code, message, closeCode } = refuseAfter;
          const status = typeof code === 'number' ? code : undefined;
          const shape: ErrorShape = typeof code === 'number' ? 'numeric' : (options.errorShape ?? 'wrapped');
          const err: SimError = {
            type: 'rate_limit_error',
            code: String(code),
            message,
            ...(status ? { status } : {}),
          };
          conn.sendError(err, shape);
          ws.close(closeCode, 'refused');
        }
      }, startDelayMs);
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
    sendError: (code, message, o = {}) => {
      for (const c of live.values())
        c.sendError(
          { type: 'server_error', code, message, ...(o.status ? { status: o.status } : {}) },
          o.shape,
        );
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
    rejectConnections: (n, status = 500, o = {}) => {
      reject = { n, status, message: o.message, retryAfterSec: o.retryAfterSec };
    },
    refuseAfterAccept: (n, e) => {
      refuseAfter = { n, code: e.code, message: e.message, closeCode: e.closeCode ?? 1008 };
    },
    expireSessions: () => {
      for (const expire of [...expiries.values()]) expire();
    },
  };

  return {
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/v1/realtime`,
    apiKey,
    dialect,
    responses: log.responses,
    sessions,
    errors: log.errors,
    upgrades,
    events,
    faults,
    script: options.script!,
    once<K extends keyof SimEvents>(name: K, timeoutMs = 10_000): Promise<SimEvents[K]> {
      const signal = AbortSignal.timeout(timeoutMs);
      return eventsOnce(events as EventEmitter, name, { signal }) as Promise<SimEvents[K]>;
    },
    waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
      return new Promise((resolve, rejectWait) => {
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
          rejectWait(new Error('realtime-sim waitFor timed out'));
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
