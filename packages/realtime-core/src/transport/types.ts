import type { WireData } from '../protocol/codec.ts';
import type { TypedEmitter } from '../util/typed-emitter.ts';

/**
 * Why a transport closed. When the upgrade itself was refused (e.g. 401), `httpStatus` is set with
 * the start of the response body and the `Retry-After` delay, the operator's only clues.
 */
export interface TransportCloseInfo {
  code: number;
  reason: string;
  httpStatus?: number;
  /** The first bytes of the refusal's body (at most 1 KiB), as text. */
  httpBody?: string;
  /** `Retry-After` of the refusal, in ms (seconds or an HTTP date). */
  retryAfterMs?: number;
}

export type TransportEvents = {
  open: [];
  message: [data: WireData];
  close: [info: TransportCloseInfo];
  error: [err: Error];
};

/**
 * Moves frames, nothing else: the session owns the protocol. `close` fires exactly once per
 * transport, whether it opened or not.
 */
export interface RealtimeTransport extends TypedEmitter<TransportEvents> {
  connect(): void;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet written to the socket (backpressure signal). */
  readonly bufferedAmount: number;
  /** Server-side correlation id (StepFun's X-Trace-Id) once known. */
  readonly traceId: string | undefined;
}

export interface TransportOptions {
  url: string;
  headers: Record<string, string>;
}

export type TransportFactory = (options: TransportOptions) => RealtimeTransport;
