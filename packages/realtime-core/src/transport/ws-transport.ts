// The only module that imports `ws`. permessage-deflate stays off: it multiplies the CPU
// cost of every 20 ms audio frame many times over for frames that are base64 and barely compress.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { type Clock, systemClock } from '../session/clock.ts';
import { TypedEmitter } from '../util/typed-emitter.ts';
import type { RealtimeTransport, TransportCloseInfo, TransportEvents, TransportOptions } from './types.ts';

export interface WsTransportOptions extends TransportOptions {
  clock?: Clock;
  /** Ping period; the socket is dropped if a pong does not come back within the next period. */
  pingIntervalMs?: number;
  handshakeTimeoutMs?: number;
}

const MAX_BODY_BYTES = 1024;
const BODY_TIMEOUT_MS = 2000;

/** `Retry-After` as ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

type WsState =
  | { status: 'idle' }
  | { status: 'connecting'; socket: WebSocket }
  | { status: 'open'; socket: WebSocket; pingTimer: unknown; awaitingPong: boolean }
  | { status: 'closed' };

class WsTransport extends TypedEmitter<TransportEvents> implements RealtimeTransport {
  #state: WsState = { status: 'idle' };
  #traceId: string | undefined;
  #refusal: Pick<TransportCloseInfo, 'httpStatus' | 'httpBody' | 'retryAfterMs'> | undefined;
  readonly #options: WsTransportOptions;
  readonly #clock: Clock;

  constructor(options: WsTransportOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  get traceId(): string | undefined {
    return this.#traceId;
  }

  get bufferedAmount(): number {
    return this.#state.status === 'open' ? this.#state.socket.bufferedAmount : 0;
  }

  connect(): void {
    if (this.#state.status !== 'idle') throw new Error('transport already used; create a new one');
    const socket = new WebSocket(this.#options.url, {
      headers: this.#options.headers,
      perMessageDeflate: false,
      handshakeTimeout: this.#options.handshakeTimeoutMs ?? 10_000,
    });
    this.#setState({ status: 'connecting', socket });
    socket.on('upgrade', (res) => {
      const trace = res.headers['x-trace-id'];
      this.#traceId = Array.isArray(trace) ? trace[0] : trace;
    });
    socket.on('unexpected-response', (_req, res) => this.#onRefused(socket, res));
    socket.on('open', () => {
      const pingTimer = this.#clock.setInterval(() => this.#ping(), this.#options.pingIntervalMs ?? 15_000);
      this.#setState({ status: 'open', socket, pingTimer, awaitingPong: false });
      this.emit('open');
    });
    socket.on('pong', () => {
      if (this.#state.status === 'open') this.#state.awaitingPong = false;
    });
    socket.on('message', (data, isBinary) => {
      this.emit('message', isBinary ? (data as Buffer) : (data as Buffer).toString('utf8'));
    });
    socket.on('error', (err) => this.emit('error', err));
    socket.on('close', (code, reason) => {
      if (this.#state.status === 'closed') return;
      this.#setState({ status: 'closed' });
      this.emit('close', { code, reason: reason.toString('utf8'), ...this.#refusal });
    });
  }

  /**
   * The upgrade was answered with an HTTP status instead of 101. Its body (JSON with the provider's
   * reason) and Retry-After are kept for the close info; reading stops at 1 KiB or after 2 s.
   */
  #onRefused(socket: WebSocket, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.#clock.now());
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#clock.clearTimeout(timer);
      const httpBody = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
      this.#refusal = {
        httpStatus: status,
        httpBody,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
      this.emit('error', new Error(`server refused the WebSocket upgrade with HTTP ${status}`));
      socket.terminate();
    };
    const timer = this.#clock.setTimeout(finish, BODY_TIMEOUT_MS);
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) finish();
    });
    res.on('end', finish);
    res.on('error', finish);
  }

  send(data: string): void {
    if (this.#state.status !== 'open') throw new Error(`cannot send on a ${this.#state.status} transport`);
    this.#state.socket.send(data);
  }

  close(code = 1000, reason = 'client closing'): void {
    const state = this.#state;
    if (state.status === 'idle') {
      this.#setState({ status: 'closed' });
      this.emit('close', { code, reason });
    } else if (state.status === 'connecting') {
      state.socket.terminate();
    } else if (state.status === 'open') {
      state.socket.close(code, reason);
    }
  }

  #ping(): void {
    const state = this.#state;
    if (state.status !== 'open') return;
    if (state.awaitingPong) {
      // No pong for a whole period: the path is dead even if TCP has not noticed.
      state.socket.terminate();
      return;
    }
    state.awaitingPong = true;
    state.socket.ping();
  }

  #setState(next: WsState): void {
    const prev = this.#state;
    if (prev.status === 'open') this.#clock.clearInterval(prev.pingTimer);
    this.#state = next;
  }
}

/** Creates a `ws`-backed transport. */
export function createWsTransport(options: WsTransportOptions): RealtimeTransport {
  return new WsTransport(options);
}
