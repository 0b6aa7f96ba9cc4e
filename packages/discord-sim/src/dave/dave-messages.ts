/**
 * DAVE voice-gateway opcodes 21–31 (https://daveprotocol.com/#voice-gateway-opcodes and the
 * "Binary Websocket Messages" table of discord-api-docs voice-connections): JSON ones as
 * `{op, d}`, binary ones framed `uint16 sequence, uint8 opcode, payload` from the server and
 * `uint8 opcode, payload` from the client.
 */
import { TlsDecodeError, TlsReader, TlsWriter } from './tls-codec.ts';

export const DaveOp = {
  PrepareTransition: 21,
  ExecuteTransition: 22,
  TransitionReady: 23,
  PrepareEpoch: 24,
  ExternalSender: 25,
  KeyPackage: 26,
  Proposals: 27,
  CommitWelcome: 28,
  AnnounceCommitTransition: 29,
  Welcome: 30,
  InvalidCommitWelcome: 31,
} as const;

/** Opcodes that travel as binary frames. */
export const BINARY_DAVE_OPS: ReadonlySet<number> = new Set([25, 26, 27, 28, 29, 30]);

/** What the gateway sends a participant. */
export type DaveServerMessage =
  | { op: 21; d: { transition_id: number; protocol_version: number } }
  | { op: 22; d: { transition_id: number } }
  | { op: 24; d: { epoch: number; protocol_version: number; transition_id: number } }
  | { op: 25 | 27 | 29 | 30; payload: Uint8Array };

/** What a participant sends the gateway. */
export type DaveClientMessage =
  | { op: 23 | 31; d: { transition_id: number } }
  | { op: 26 | 28; payload: Uint8Array };

export const PROPOSALS_APPEND = 0;
export const PROPOSALS_REVOKE = 1;

/** op 27 append: `uint8 operation_type = 0; MLSMessage proposal_messages<V>`. */
export function proposalsAppend(messages: readonly Uint8Array[]): Uint8Array {
  return new TlsWriter()
    .u8(PROPOSALS_APPEND)
    .vector(messages, (w, m) => w.raw(m))
    .bytes();
}

/** op 27 revoke: `uint8 operation_type = 1; ProposalRef proposal_refs<V>`. */
export function proposalsRevoke(refs: readonly Uint8Array[]): Uint8Array {
  return new TlsWriter()
    .u8(PROPOSALS_REVOKE)
    .vector(refs, (w, r) => w.opaque(r))
    .bytes();
}

/** op 29 / op 30: `uint16 transition_id` then the MLS message. */
export function withTransitionId(transitionId: number, message: Uint8Array): Uint8Array {
  return new TlsWriter().u16(transitionId).raw(message).bytes();
}

/** Splits an op 29/30 payload. */
export function splitTransitionId(payload: Uint8Array): { transitionId: number; message: Uint8Array } {
  const r = new TlsReader(payload);
  const transitionId = r.u16('transition_id');
  return { transitionId, message: r.raw(r.remaining) };
}

/** A server→client binary frame: `uint16 seq, uint8 op, payload`. */
export function encodeServerBinary(seq: number, op: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + payload.length);
  out[0] = (seq >> 8) & 0xff;
  out[1] = seq & 0xff;
  out[2] = op;
  out.set(payload, 3);
  return out;
}

/** Parses a server→client binary frame (what a client does on receipt). */
export function decodeServerBinary(frame: Uint8Array): { seq: number; op: number; payload: Uint8Array } {
  if (frame.length < 3) throw new TlsDecodeError(`binary frame of ${frame.length} bytes has no header`);
  return { seq: ((frame[0] ?? 0) << 8) | (frame[1] ?? 0), op: frame[2] ?? 0, payload: frame.subarray(3) };
}

/** A client→server binary frame: `uint8 op, payload` (clients send no sequence number). */
export function encodeClientBinary(op: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + payload.length);
  out[0] = op;
  out.set(payload, 1);
  return out;
}

/**
 * Parses a client→server binary frame into a DAVE message; throws {@link TlsDecodeError} for an
 * empty frame or an opcode clients do not send as binary.
 */
export function decodeClientBinary(frame: Uint8Array): DaveClientMessage {
  const op = frame[0];
  if (op === undefined) throw new TlsDecodeError('empty binary frame');
  if (op !== DaveOp.KeyPackage && op !== DaveOp.CommitWelcome)
    throw new TlsDecodeError(`opcode ${op} is not a client binary opcode (26 or 28)`);
  return { op, payload: frame.subarray(1) };
}

/** Reads a JSON `{transition_id}` body of op 23/31; undefined if it is not one. */
export function transitionIdOf(d: unknown): number | undefined {
  const id = (d as { transition_id?: unknown } | null)?.transition_id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffff ? id : undefined;
}
