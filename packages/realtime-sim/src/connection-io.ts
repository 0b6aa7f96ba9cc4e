/**
 * How a fault kills the socket: `terminate` drops TCP with no close frame, `close` sends close
 * 1011, `corrupt` sends a text frame of invalid UTF-8, which the client must fail the socket on.
 */
export type DropMode = 'terminate' | 'close' | 'corrupt';

/** What a simulated session may do to its socket and with time: injected, so the logic is testable. */
export interface ConnectionIo {
  /** Text goes as a text frame, bytes as a binary frame. */
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  drop(mode: DropMode): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
