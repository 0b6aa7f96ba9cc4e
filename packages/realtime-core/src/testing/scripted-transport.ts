import { type ClientEvent, decodeClientEvent, encodeServerEvent } from '../protocol/index.ts';
import type { KnownServerEvent, UnknownServerEvent } from '../protocol/server-events.ts';
import type {
  RealtimeTransport,
  TransportEvents,
  TransportFactory,
  TransportOptions,
} from '../transport/types.ts';
import { TypedEmitter } from '../util/typed-emitter.ts';

/**
 * An in-memory transport a test drives by hand: it records what the client sent
 * (decoded) and lets the test play the server. Nothing is asynchronous unless the test makes it so.
 */
export class ScriptedTransport extends TypedEmitter<TransportEvents> implements RealtimeTransport {
  readonly options: TransportOptions;
  readonly sent: ClientEvent[] = [];
  readonly rawSent: string[] = [];
  status: 'idle' | 'connecting' | 'open' | 'closed' = 'idle';
  bufferedAmount = 0;
  traceId: string | undefined = 'trace-scripted';
  /** Called with every raw frame the client sends. */
  onRawSend: ((data: string) => void) | undefined;
  /** When true, `connect()` opens immediately (synchronously). */
  autoOpen: boolean;

  constructor(options: TransportOptions, autoOpen = false) {
    super();
    this.options = options;
    this.autoOpen = autoOpen;
  }

  connect(): void {
    this.status = 'connecting';
    if (this.autoOpen) this.open();
  }

  send(data: string): void {
    if (this.status !== 'open') throw new Error(`cannot send on a ${this.status} transport`);
    this.rawSent.push(data);
    this.onRawSend?.(data);
    const event = decodeClientEvent(data);
    if (event.type === 'invalid') throw new Error(`client sent an invalid event: ${event.reason}`);
    if (event.type !== 'unknown') this.sent.push(event);
  }

  close(code = 1000, reason = 'client closing'): void {
    this.serverClose(code, reason);
  }

  /** Test side: the connection opens. */
  open(): void {
    this.status = 'open';
    this.emit('open');
  }

  /** Test side: the server sends an event (or raw text, e.g. malformed JSON). */
  serverSend(event: KnownServerEvent | UnknownServerEvent | string): void {
    this.emit('message', typeof event === 'string' ? event : encodeServerEvent(event));
  }

  /** Test side: the connection closes (drop, cap, or a refused upgrade: `httpStatus`, body, Retry-After). */
  serverClose(
    code = 1006,
    reason = '',
    refusal?: number | { httpStatus: number; httpBody?: string; retryAfterMs?: number },
  ): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    const http = typeof refusal === 'number' ? { httpStatus: refusal } : refusal;
    this.emit('close', { code, reason, ...http });
  }

  sentOfType<T extends ClientEvent['type']>(type: T): Extract<ClientEvent, { type: T }>[] {
    return this.sent.filter((e): e is Extract<ClientEvent, { type: T }> => e.type === type);
  }
}

/** A factory that remembers every transport it made, newest last. */
export function scriptedTransportFactory(autoOpen = false): TransportFactory & { made: ScriptedTransport[] } {
  const made: ScriptedTransport[] = [];
  const factory = (options: TransportOptions) => {
    const t = new ScriptedTransport(options, autoOpen);
    made.push(t);
    return t;
  };
  return Object.assign(factory, { made });
}
