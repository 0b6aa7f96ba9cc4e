// Holes in @discordjs/voice 0.19.2 (pinned) that would otherwise take the process down or lose
// audio, patched on each connection right after it is created. Each patch reaches into the
// library's private state, so each is checked against the real library by a test (and leaves the
// library alone if the state it expects has moved).
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';

export interface GuardLogger {
  warn(obj: object, msg: string): void;
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
