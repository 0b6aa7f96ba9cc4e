// Discord voice connection policy: which closes end a session (and what to tell the channel),
// when to stop rejoining, when receive decryption has gone bad enough that a fresh join is the
// cure (e2ee-recovery.ts), and the holes in @discordjs/voice 0.19.2 (pinned) that would otherwise
// take the process down.
import {
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import type { SessionEndReason } from '../voice-port.ts';
import { isSilenceFrame } from './e2ee.ts';
import { type E2eeRecoveryOptions, recoverE2ee } from './e2ee-recovery.ts';

/** Shown in the channel (bot.ts wraps it as "The voice session ended (…). Use /join …"). */
export const END_MESSAGES = {
  kicked: 'I was disconnected from the voice channel: moved, kicked, or the channel was deleted',
  daveRequired:
    'Discord requires end-to-end encrypted voice in this channel and my connection could not set up DAVE encryption, so I stopped instead of retrying; if it keeps happening, ask whoever runs the bot to update its voice library',
  storm: (n: number) =>
    `Discord refused the voice connection ${n} times in a row, so I stopped retrying; wait a minute before trying again`,
  gatewayLost:
    'I lost my connection to Discord and could not get back into the voice channel within a minute',
  rateLimited:
    'Discord rate-limited my voice connection, so I stopped instead of retrying; wait a few minutes before /join',
  callTerminated:
    'Discord ended my voice call (the channel was deleted, I was removed, or its voice server changed); use /join to bring me back',
} as const;

/**
 * Waits before asking to rejoin when the gateway was down as the voice socket closed (the
 * library's own rejoin could not be sent, and it never retries): about a minute in all.
 */
export const GATEWAY_RETRY_MS: readonly number[] = [1000, 2000, 4000, 8000, 15_000, 15_000, 15_000];

/** Discord voice close codes the guard acts on (discord.com/developers/docs/topics/opcodes-and-status-codes). */
const DISCONNECTED = 4014;
const E2EE_REQUIRED = 4017;
/** "Should not reconnect" per the close code table; 0.19.2 rejoins on them anyway. */
const RATE_LIMITED = 4021;
const CALL_TERMINATED = 4022;

export interface GuardLogger {
  warn(obj: object, msg: string): void;
}

export interface GuardOptions {
  maxRejoinAttempts: number;
  /** When persistent receive decryption failures call for a fresh join (see receive-health.ts). */
  e2ee?: Omit<E2eeRecoveryOptions, 'logger' | 'schedule'> | undefined;
  now?: () => number;
  /** Runs `fn` after `ms`; returns a canceller (default setTimeout). */
  schedule?: (fn: () => void, ms: number) => () => void;
  logger?: GuardLogger;
}

function defaultSchedule(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
}

/** What the session reports to the guard about receiving. */
export interface ReceiveReporter {
  /** A receive stream broke. */
  receiveError(err: Error): void;
  /** A frame reached the decoder (silence frames, sent in the clear, prove nothing). */
  delivered(frame: Uint8Array): void;
  /** The receive gate dropped a frame that was still end-to-end encrypted. */
  undecryptable(): void;
}

/**
 * Watches a connection. 4014 (kicked, moved, channel deleted), 4017 (E2EE required), 4021 (rate
 * limited) and 4022 (call terminated) end the session; codes the library resumes or rejoins on
 * (4006, 4015, network drops) are left to it, but a rejoin storm is cut off before attempt
 * `maxRejoinAttempts + 1` goes out, and a rejoin the gateway was down for is retried once it may
 * be back. Persistent receive decryption failures lead to a bounded fresh join (e2ee-recovery.ts).
 */
export function guardConnection(
  connection: VoiceConnection,
  options: GuardOptions,
  end: (reason: SessionEndReason, message?: string) => void,
): ReceiveReporter {
  const shield = protectConnection(connection);
  if (options.logger) shield.logger = options.logger;
  const schedule = options.schedule ?? defaultSchedule;
  let gatewayRetries = 0;
  let cancelRetry: (() => void) | undefined;
  const rejoinWhenGatewayIsBack = () => {
    if (cancelRetry) return;
    const delay = GATEWAY_RETRY_MS[gatewayRetries++];
    if (delay === undefined) return end('error', END_MESSAGES.gatewayLost);
    cancelRetry = schedule(() => {
      cancelRetry = undefined;
      if (connection.state.status !== VoiceConnectionStatus.Disconnected) return;
      const attempts = connection.rejoinAttempts;
      // Unsent, it was no refusal by Discord: keep it out of the storm count.
      if (!connection.rejoin()) connection.rejoinAttempts = attempts;
    }, delay);
  };
  connection.on('stateChange', (_old, next) => {
    if (next.status === VoiceConnectionStatus.Disconnected) {
      if (next.reason === VoiceConnectionDisconnectReason.WebSocketClose && next.closeCode === DISCONNECTED)
        end('disconnected', END_MESSAGES.kicked);
      else if (next.reason === VoiceConnectionDisconnectReason.AdapterUnavailable) rejoinWhenGatewayIsBack();
    } else if (next.status === VoiceConnectionStatus.Ready) {
      gatewayRetries = 0;
    } else if (next.status === VoiceConnectionStatus.Signalling) {
      // The library rejoins on any other close; the code tells whether that can ever work.
      const code = shield.lastCloseCode;
      if (code === E2EE_REQUIRED) {
        options.logger?.warn({ closeCode: E2EE_REQUIRED }, 'voice server requires DAVE; ending the session');
        end('error', END_MESSAGES.daveRequired);
      } else if (code === RATE_LIMITED || code === CALL_TERMINATED) {
        options.logger?.warn(
          { closeCode: code },
          'voice close code that must not be reconnected; ending the session',
        );
        end(
          code === RATE_LIMITED ? 'error' : 'disconnected',
          code === RATE_LIMITED ? END_MESSAGES.rateLimited : END_MESSAGES.callTerminated,
        );
      } else if (connection.rejoinAttempts >= options.maxRejoinAttempts) {
        // rejoinAttempts counts the attempts already made; this Signalling is about to make one more.
        options.logger?.warn(
          { attempts: connection.rejoinAttempts, closeCode: shield.lastCloseCode },
          'voice rejoin storm; ending the session',
        );
        end('error', END_MESSAGES.storm(connection.rejoinAttempts));
      }
    } else if (next.status === VoiceConnectionStatus.Destroyed) {
      cancelRetry?.();
      end('disconnected');
    }
  });
  const recovery = recoverE2ee(
    connection,
    { ...options.e2ee, now: options.e2ee?.now ?? options.now, schedule, logger: options.logger },
    end,
  );
  return {
    receiveError: (err) => {
      recovery.streamError(err);
    },
    delivered: (frame) => {
      if (!isSilenceFrame(frame)) recovery.delivered();
    },
    undecryptable: () => recovery.undecryptable(),
  };
}

/** What {@link protectConnection} dropped or caught on one connection. */
export interface ConnectionShield {
  /** Datagrams shorter than an RTP header (12 bytes), dropped before the receiver. */
  runts: number;
  /** RTP from SSRCs no op 5 announced (garbage, strangers): the receiver ignores them too. */
  unknownSsrc: number;
  /** Exceptions the receiver threw on a datagram, caught instead of crashing the process. */
  receiverFaults: number;
  /** Voice WebSocket frames the library threw on (a binary frame under 3 bytes), dropped. */
  badFrames: number;
  /** Packets without an extension whose ciphertext began 0xBEDE, opened correctly (see protectConnection). */
  extensionLookalikes: number;
  /** 'error' events of the connection (WebSocket/UDP trouble), logged instead of thrown. */
  errors: number;
  /** Code of the latest voice WebSocket close, if any. */
  lastCloseCode: number | undefined;
  logger: GuardLogger | undefined;
}

interface Receiver {
  onUdpMessage(msg: Buffer): void;
  ssrcMap: { get(ssrc: number): unknown };
  parsePacket(buffer: Buffer, mode: string, nonce: Buffer, key: unknown, userId: string): Buffer;
  decrypt(buffer: Buffer, mode: string, nonce: Buffer, key: unknown): Buffer;
}
interface VoiceSocket {
  onMessage(event: unknown): void;
}
interface NetworkingState {
  code?: number;
  ws?: VoiceSocket;
  udp?: NodeJS.EventEmitter;
  dave?: { decrypt(p: Buffer, userId: string): Buffer };
}
interface Networking extends NodeJS.EventEmitter {
  state: NetworkingState;
}

const shields = new WeakMap<VoiceConnection, ConnectionShield>();

/**
 * Call right after `joinVoiceChannel` (idempotent). @discordjs/voice 0.19.2 reads the SSRC at
 * byte 8 of any datagram longer than 8 bytes: one of 9–11 bytes on the voice UDP port (which
 * accepts datagrams from anyone) throws out of the socket's 'message' handler and kills the
 * process. It also emits 'error' for a bad voice-server frame, which throws when nobody listens.
 * This drops runts before the receiver, contains anything else it throws, listens for 'error',
 * and remembers close codes for the guard.
 */
export function protectConnection(connection: VoiceConnection): ConnectionShield {
  const existing = shields.get(connection);
  if (existing) return existing;
  const shield: ConnectionShield = {
    runts: 0,
    unknownSsrc: 0,
    receiverFaults: 0,
    badFrames: 0,
    extensionLookalikes: 0,
    errors: 0,
    lastCloseCode: undefined,
    logger: undefined,
  };
  shields.set(connection, shield);
  const receiver = connection.receiver as unknown as Receiver;
  const original = receiver.onUdpMessage;
  const safe = (msg: Buffer) => {
    if (msg.length < 12) {
      if (shield.runts++ === 0)
        shield.logger?.warn({ bytes: msg.length }, 'voice UDP: dropped a runt datagram');
      return;
    }
    if (receiver.ssrcMap.get(msg.readUInt32BE(8)) === undefined) shield.unknownSsrc++;
    try {
      original(msg);
    } catch (err) {
      if (shield.receiverFaults++ === 0)
        shield.logger?.warn(
          { err: (err as Error).message },
          'voice receiver threw on a datagram; dropped it',
        );
    }
  };
  // The library (re)binds `receiver.onUdpMessage` to each new UDP socket, so swap the property and
  // the binding already made, if any.
  receiver.onUdpMessage = safe;
  const networkingOf = (state: object) => (state as { networking?: Networking }).networking;
  fixExtensionSniff(connection, receiver, networkingOf, shield);
  const watched = new WeakSet<Networking>();
  const watch = (n: Networking | undefined) => {
    if (!n || watched.has(n)) return;
    watched.add(n);
    // Prepended: the connection's own close handler moves to Signalling, and the guard needs the code then.
    n.prependListener('close', (code: number) => {
      shield.lastCloseCode = code;
    });
    const udp = n.state.udp;
    if (udp?.listeners('message').includes(original)) {
      udp.off('message', original);
      udp.on('message', safe);
    }
    containFrames(n.state.ws, shield);
    n.on('stateChange', (_old: NetworkingState, next: NetworkingState) => containFrames(next.ws, shield));
  };
  watch(networkingOf(connection.state));
  connection.on('stateChange', (_old, next) => watch(networkingOf(next)));
  connection.on('error', (err) => {
    // Logged, not thrown; a socket failing over and over is summarised rather than repeated.
    if (++shield.errors <= 10 || shield.errors % 100 === 0)
      shield.logger?.warn(
        { err: err.message, errors: shield.errors },
        'voice connection error; the library recovers or the guard ends it',
      );
  });
  return shield;
}

const contained = new WeakSet<VoiceSocket>();

/**
 * @discordjs/voice 0.19.2 reads a binary voice frame's sequence and opcode without a length
 * check: a frame under 3 bytes throws out of the socket's message handler (process down, and the
 * socket stops reading). Each new voice socket (one per connect or resume) drops such frames.
 */
function containFrames(ws: VoiceSocket | undefined, shield: ConnectionShield): void {
  if (!ws || contained.has(ws) || typeof ws.onMessage !== 'function') return;
  contained.add(ws);
  const onMessage = ws.onMessage.bind(ws);
  ws.onMessage = (event) => {
    try {
      onMessage(event);
    } catch (err) {
      if (shield.badFrames++ === 0)
        shield.logger?.warn(
          { err: (err as Error).message },
          'voice gateway frame the library could not read; dropped',
        );
    }
  };
}

/**
 * @discordjs/voice 0.19.2 strips a header extension whenever bytes 12–13 of the datagram read
 * 0xBEDE, X bit or not; without an extension those are the first two encrypted bytes, so one
 * packet in 65,536 loses 4 × (random) bytes of its payload (usually all of it). Such packets are
 * opened here as parsePacket would, minus the misread: decrypt, padding, DAVE, in that order.
 */
function fixExtensionSniff(
  connection: VoiceConnection,
  receiver: Receiver,
  networkingOf: (state: object) => Networking | undefined,
  shield: ConnectionShield,
): void {
  // Private methods of a pinned version; if they ever move, leave the library as it is.
  if (typeof receiver.parsePacket !== 'function' || typeof receiver.decrypt !== 'function') return;
  const parse = receiver.parsePacket.bind(receiver);
  receiver.parsePacket = (buffer, mode, nonce, key, userId) => {
    const first = buffer[0] ?? 0;
    if ((first & 0x10) !== 0 || buffer[12] !== 0xbe || buffer[13] !== 0xde)
      return parse(buffer, mode, nonce, key, userId);
    shield.extensionLookalikes++;
    let packet = receiver.decrypt(buffer, mode, nonce, key);
    if ((first & 0x20) !== 0) {
      const padding = packet[packet.length - 1] ?? 0;
      if (padding < packet.length) packet = packet.subarray(0, packet.length - padding);
    }
    // As the library does: DAVE applies once the networking is Ready (4) or Resuming (5).
    const networking = networkingOf(connection.state)?.state;
    const daveLive =
      connection.state.status === VoiceConnectionStatus.Ready &&
      (networking?.code === 4 || networking?.code === 5);
    return daveLive && networking?.dave ? networking.dave.decrypt(packet, userId) : packet;
  };
}
