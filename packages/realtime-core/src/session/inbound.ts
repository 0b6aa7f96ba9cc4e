// Turns one received frame into the event the session handles and/or a protocol problem.
import {
  decodeServerEvent,
  type KnownServerEvent,
  type UnknownServerEvent,
  type WireData,
} from '../protocol/index.ts';
import type { ProtocolProblem } from './diagnostics.ts';

export interface Inbound {
  event?: KnownServerEvent | UnknownServerEvent;
  problem?: ProtocolProblem;
}

function byteCount(data: Exclude<WireData, string>): number {
  return Array.isArray(data)
    ? data.reduce((n, part) => n + part.byteLength, 0)
    : (data as Uint8Array | ArrayBuffer).byteLength;
}

function hexHead(data: Exclude<WireData, string>, n: number): string {
  const first = Array.isArray(data) ? data[0] : data;
  const bytes = first instanceof ArrayBuffer ? new Uint8Array(first) : (first as Uint8Array | undefined);
  return Array.from(bytes?.subarray(0, n) ?? [], (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Transports hand text frames over as strings and binary frames as bytes. The realtime protocol
 * sends JSON in text frames only, so bytes mean a proxy or server fault: reported, not guessed at.
 */
export function decodeFrame(data: WireData, maxBytes: number | undefined): Inbound {
  if (typeof data !== 'string') {
    const detail = `ignored a ${byteCount(data)}-byte binary frame: the realtime protocol sends JSON text frames`;
    return { problem: { kind: 'binary_frame', detail, signature: '', excerpt: `hex ${hexHead(data, 32)}` } };
  }
  const event = decodeServerEvent(data, maxBytes);
  if (event.type === 'invalid') {
    const problem: ProtocolProblem = {
      kind: event.problem,
      eventType: event.eventType,
      detail: `ignored an invalid realtime event: ${event.reason}`,
      // A schema issue names the field and the expected type, so the same mistake repeats with
      // the same text. The other reasons carry positions and sizes that differ per frame.
      signature: event.problem === 'schema' ? event.reason.replace(/\d+/g, '#') : '',
      excerpt: event.excerpt,
    };
    return { problem };
  }
  if (event.type === 'unknown') {
    const detail = `ignoring unknown realtime event type "${event.eventType}"`;
    return {
      event,
      problem: { kind: 'unknown_event_type', eventType: event.eventType, detail, signature: '' },
    };
  }
  return { event };
}

/** A well-formed event that makes no sense where it arrived; `rule` groups repeats. */
export function outOfOrder(eventType: string, rule: string, detail: string): ProtocolProblem {
  return { kind: 'out_of_order', eventType, signature: rule, detail: `ignored ${eventType}: ${detail}` };
}
