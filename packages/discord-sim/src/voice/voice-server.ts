import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:https';
import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import { WebSocketServer } from 'ws';
import type { EncryptionMode } from '../crypto/transport-crypto.ts';
import {
  BINARY_DAVE_OPS,
  DaveOp,
  type DaveServerMessage,
  encodeServerBinary,
} from '../dave/dave-messages.ts';
import { DAVE_PROTOCOL_VERSION } from '../dave/session-types.ts';
import type { ParsedRtp } from '../rtp/rtp.ts';
import type { SimCertificate } from './certificate.ts';
import type { DaveHub } from './dave-hub.ts';
import { handleVoiceConnection } from './voice-connection.ts';
import type { VoiceServerStats, VoiceSession } from './voice-session.ts';
import { handleVoiceDatagram } from './voice-udp.ts';

export interface VoiceServerOptions {
  certificate: SimCertificate;
  /** Modes offered in op 2 Ready, in order. */
  modes?: readonly EncryptionMode[] | undefined;
  heartbeatIntervalMs?: number | undefined;
  /** Users (bots included) currently in a channel, for op 11 Clients Connect. */
  usersInChannel(channelId: string): string[];
  /** Whether a channel's media session is end-to-end encrypted (DAVE protocol version 1). */
  daveRequired(channelId: string): boolean;
  dave: DaveHub;
  /** A decrypted RTP packet from a bot arrived. */
  onBotPacket(session: VoiceSession, packet: ParsedRtp, atMs: number): void;
  /** Fault hooks: the bot was closed with 4014 (Discord also removes its voice state). */
  onDisconnected(session: VoiceSession): void;
  /** Something observable changed (lets tests await counters instead of sleeping). */
  onChange(): void;
}

/** How many unacknowledged frames a session keeps for resume. */
const REPLAY_LIMIT = 2000;

/** The voice gateway (WSS, v8) plus the UDP media endpoint. Sessions are per bot and guild. */
export class VoiceServer {
  readonly stats: VoiceServerStats;
  /** Sessions by `guildId:userId`. */
  readonly sessions = new Map<string, VoiceSession>();
  readonly opts: VoiceServerOptions;
  readonly udp: Socket;
  private readonly https: Server;
  private readonly wss: WebSocketServer;
  private nextSsrc = 1000;
  /** A `closeBot(..., { repeat })` storm in progress. */
  pendingCloses: { code: number; remaining: number } | undefined;
  dropToBotUntil = 0;
  dropFromBotUntil = 0;
  endpoint = '';
  udpPort = 0;

  constructor(opts: VoiceServerOptions) {
    this.opts = opts;
    this.stats = {
      identifies: 0,
      resumes: 0,
      readies: 0,
      closes: [],
      heartbeats: 0,
      keepAlives: 0,
      packetsFromBot: 0,
      packetsToBot: 0,
      droppedToBot: 0,
      droppedFromBot: 0,
      undecryptableFromBot: 0,
      rawToBot: 0,
      relayed: 0,
      unencryptedFromBot: 0,
      undecodableFrames: 0,
      dave: opts.dave.stats,
    };
    this.https = createServer({ cert: opts.certificate.cert, key: opts.certificate.key });
    this.wss = new WebSocketServer({ server: this.https, perMessageDeflate: false });
    this.wss.on('connection', (ws) => handleVoiceConnection(this, ws));
    this.udp = createSocket('udp4');
    this.udp.on('message', (msg, rinfo) => handleVoiceDatagram(this, msg, rinfo));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.https.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.udp.bind(0, '127.0.0.1', resolve));
    const addr = this.https.address();
    this.endpoint = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    this.udpPort = this.udp.address().port;
  }

  /** A bot's session in a guild. */
  session(guildId: string, userId: string): VoiceSession | undefined {
    return this.sessions.get(`${guildId}:${userId}`);
  }

  /** Bot sessions connected (identified) to a channel. */
  sessionsInChannel(channelId: string): VoiceSession[] {
    return [...this.sessions.values()].filter((s) => s.channelId === channelId);
  }

  /** Creates (or replaces) a bot's session for a guild; returns the token for VOICE_SERVER_UPDATE. */
  prepare(guildId: string, channelId: string, userId: string, sessionId: string): string {
    const old = this.session(guildId, userId);
    if (old) this.leaveMedia(old);
    const token = randomBytes(8).toString('hex');
    this.sessions.set(`${guildId}:${userId}`, {
      guildId,
      channelId,
      userId,
      sessionId,
      token,
      ws: undefined,
      seq: 0,
      lastSeqAck: -1,
      unacked: [],
      ssrc: this.nextSsrc++,
      udp: undefined,
      mode: undefined,
      key: undefined,
      maxDaveVersion: 0,
      daveVersion: 0,
      mapped: new Set(),
      botSpeaking: [],
      nonce: 0,
    });
    return token;
  }

  /** A bot left voice in a guild: forget the session and close its socket normally. */
  end(guildId: string, userId: string): void {
    const s = this.session(guildId, userId);
    if (!s) return;
    this.sessions.delete(`${guildId}:${userId}`);
    this.leaveMedia(s);
    s.ws?.close(1000, 'left');
  }

  /** The bot is gone from its channel's media session: DAVE removes it, the others hear op 13. */
  leaveMedia(s: VoiceSession): void {
    if (s.daveVersion > 0) this.opts.dave.disconnectBot(s.channelId, s.userId);
    for (const other of this.sessionsInChannel(s.channelId))
      if (other !== s && other.key) {
        other.mapped.delete(s.userId);
        this.send(other, VoiceOpcodes.ClientDisconnect, { user_id: s.userId });
      }
    s.daveVersion = 0;
  }

  /**
   * A bot's session enters its channel's media: op 11 both ways with everyone there, and the
   * channel's DAVE group in an E2EE call. After Select Protocol, and after a move on the same socket.
   */
  joinMedia(s: VoiceSession): void {
    const others = this.opts.usersInChannel(s.channelId).filter((u) => u !== s.userId);
    if (others.length > 0) this.send(s, VoiceOpcodes.ClientsConnect, { user_ids: others });
    for (const other of this.sessionsInChannel(s.channelId))
      if (other !== s && other.key) this.send(other, VoiceOpcodes.ClientsConnect, { user_ids: [s.userId] });
    if (s.daveVersion > 0) this.opts.dave.connectBot(s.channelId, s.userId, (msg) => this.sendDave(s, msg));
  }

  /**
   * A moved bot keeps its voice socket: it leaves the old channel's media and enters the new one's.
   * The MLS group belongs to the channel, so an E2EE client is told a new group is forming (op 24
   * with epoch 1: "reset local MLS state and send a new key package",
   * https://daveprotocol.com/#dave_protocol_prepare_epoch-24) before the new channel's external
   * sender arrives; into a channel without E2EE it is downgraded at once (op 21, transition 0,
   * version 0); a client that offered no DAVE is closed 4017 as at Identify.
   */
  moveSession(s: VoiceSession, channelId: string): void {
    const before = s.daveVersion;
    this.leaveMedia(s);
    s.channelId = channelId;
    s.mapped.clear();
    // Not through Select Protocol yet: it enters the new channel's media there.
    if (!s.key) return;
    const required = this.opts.daveRequired(channelId);
    if (required && s.maxDaveVersion < DAVE_PROTOCOL_VERSION) {
      this.closeSession(s, 4017, 'E2EE/DAVE protocol required');
      return;
    }
    s.daveVersion = required ? DAVE_PROTOCOL_VERSION : 0;
    const v = s.daveVersion;
    if (v > 0) {
      this.sendDave(s, { op: DaveOp.PrepareEpoch, d: { epoch: 1, protocol_version: v, transition_id: 0 } });
      this.sendDave(s, { op: DaveOp.PrepareTransition, d: { transition_id: 0, protocol_version: v } });
    } else if (before > 0)
      this.sendDave(s, { op: DaveOp.PrepareTransition, d: { transition_id: 0, protocol_version: 0 } });
    this.joinMedia(s);
  }

  /** Allocates an SSRC for a simulated user. */
  allocateSsrc(): number {
    return this.nextSsrc++;
  }

  /** Sends a JSON voice opcode to a bot's session (sequenced, as v8 does). */
  send(session: VoiceSession, op: number, d: unknown): void {
    session.seq = (session.seq + 1) & 0xffff;
    this.transmit(session, JSON.stringify({ op, d, seq: session.seq }));
  }

  /** Sends a DAVE message: binary opcodes as `seq, op, payload` frames, the others as JSON. */
  sendDave(session: VoiceSession, msg: DaveServerMessage): void {
    if (!BINARY_DAVE_OPS.has(msg.op) || !('payload' in msg)) {
      this.send(session, msg.op, 'd' in msg ? msg.d : null);
      return;
    }
    session.seq = (session.seq + 1) & 0xffff;
    this.transmit(session, encodeServerBinary(session.seq, msg.op, msg.payload));
  }

  private transmit(session: VoiceSession, data: string | Uint8Array): void {
    session.unacked.push({ seq: session.seq, data });
    if (session.unacked.length > REPLAY_LIMIT) session.unacked.shift();
    if (session.ws?.readyState === 1) session.ws.send(data, { binary: typeof data !== 'string' });
  }

  /** Sends a sealed RTP datagram to a bot (subject to the UDP-drop fault). */
  sendRtp(session: VoiceSession, packet: Uint8Array): boolean {
    if (!session.udp) return false;
    if (performance.now() < this.dropToBotUntil) {
      this.stats.droppedToBot++;
      return false;
    }
    this.stats.packetsToBot++;
    this.udp.send(packet, session.udp.port, session.udp.address);
    return true;
  }

  /**
   * Sends raw datagrams to a bot's voice UDP address, `batch` per event-loop turn rather than one
   * per 20 ms. The bot shares this process in tests, so a bounded batch per turn means its socket
   * is read between batches and the kernel buffer never overflows.
   */
  async sendRawToBot(
    session: VoiceSession,
    datagrams: readonly Uint8Array[],
    batch = 24,
  ): Promise<{ sent: number; undelivered: number }> {
    const udp = session.udp;
    if (!udp) throw new Error('sendRawToBot: the bot has not discovered its UDP address yet; wait for Ready');
    let sent = 0;
    let undelivered = 0;
    for (let i = 0; i < datagrams.length; i += batch) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const d of datagrams.slice(i, i + batch)) {
        if (performance.now() < this.dropToBotUntil) {
          this.stats.droppedToBot++;
          undelivered++;
          continue;
        }
        this.stats.rawToBot++;
        this.udp.send(d, udp.port, udp.address);
        sent++;
      }
    }
    return { sent, undelivered };
  }

  /** Fault: close bot voice socket(s) with `code`, and the next `repeat` identifies too. */
  closeBot(code: number, opts: { guildId?: string | undefined; repeat?: number | undefined } = {}): void {
    if (opts.repeat) this.pendingCloses = { code, remaining: opts.repeat };
    for (const s of this.sessions.values()) {
      if (opts.guildId && s.guildId !== opts.guildId) continue;
      this.closeSession(s, code);
    }
  }

  /**
   * Fault: the voice server starts using a different transport key for a session than the one it
   * gave the client: every packet either way fails authentication until the client joins afresh.
   */
  staleTransportKey(guildId?: string): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if ((guildId && s.guildId !== guildId) || !s.key) continue;
      s.key = new Uint8Array(globalThis.crypto.getRandomValues(new Uint8Array(32)));
      n++;
    }
    return n;
  }

  /** Fault: sends a raw frame (text as-is, bytes as a binary frame) on bot voice socket(s). */
  sendRawFrame(data: string | Uint8Array, guildId?: string): number {
    let sent = 0;
    for (const s of this.sessions.values()) {
      if ((guildId && s.guildId !== guildId) || s.ws?.readyState !== 1) continue;
      s.ws.send(data, { binary: typeof data !== 'string' });
      sent++;
    }
    return sent;
  }

  /** Ends a `closeBot(..., { repeat })` storm: the next Identify is answered normally. */
  stopCloses(): void {
    this.pendingCloses = undefined;
  }

  /** Fault: drop UDP datagrams for `durationMs`. */
  dropUdp(durationMs: number, direction: 'both' | 'toBot' | 'fromBot' = 'both'): void {
    const until = performance.now() + durationMs;
    if (direction !== 'fromBot') this.dropToBotUntil = until;
    if (direction !== 'toBot') this.dropFromBotUntil = until;
  }

  /** Voice WebSockets currently open. */
  openSockets(): number {
    let n = 0;
    for (const c of this.wss.clients) if (c.readyState === c.OPEN) n++;
    return n;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.https.closeAllConnections();
    await new Promise<void>((resolve) => this.https.close(() => resolve()));
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
  }

  /** Closes a session's socket with `code`, recording it; 4014 also removes the bot from voice. */
  closeSession(s: VoiceSession, code: number, reason = 'sim fault'): void {
    const ws = s.ws;
    s.ws = undefined;
    this.stats.closes.push({ code, atMs: performance.now() });
    ws?.close(code, reason);
    if (code === 4014) {
      this.sessions.delete(`${s.guildId}:${s.userId}`);
      this.leaveMedia(s);
      this.opts.onDisconnected(s);
    }
  }
}
