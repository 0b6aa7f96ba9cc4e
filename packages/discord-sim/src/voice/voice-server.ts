import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:https';
import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import { type WebSocket, WebSocketServer } from 'ws';
import { ENCRYPTION_MODES, type EncryptionMode } from '../crypto/transport-crypto.ts';
import { type ParsedRtp, parseRtpPacket } from '../rtp/rtp.ts';
import type { SimCertificate } from './certificate.ts';
import type { VoiceServerStats, VoiceSession } from './voice-session.ts';

export interface VoiceServerOptions {
  certificate: SimCertificate;
  /** Modes offered in op 2 Ready, in order. */
  modes?: readonly EncryptionMode[] | undefined;
  heartbeatIntervalMs?: number | undefined;
  /** Users (other than the bot) currently in a channel, for op 11 Clients Connect. */
  usersInChannel(channelId: string): string[];
  /** A decrypted RTP packet from the bot arrived. */
  onBotPacket(session: VoiceSession, packet: ParsedRtp, atMs: number): void;
  /** Fault hooks: the bot was closed with 4014 (Discord also removes its voice state). */
  onDisconnected(session: VoiceSession): void;
  /** Something observable changed (lets tests await counters instead of sleeping). */
  onChange(): void;
}

type Json = { op: number; d?: unknown; seq_ack?: number };

/** The voice gateway (WSS, v8) plus the UDP media endpoint. */
export class VoiceServer {
  readonly stats: VoiceServerStats = {
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
  };
  /** Sessions by guild id. */
  readonly sessions = new Map<string, VoiceSession>();
  private readonly https: Server;
  private readonly wss: WebSocketServer;
  private readonly udp: Socket;
  private readonly opts: VoiceServerOptions;
  private nextSsrc = 1000;
  private pendingCloses: { code: number; remaining: number } | undefined;
  private dropToBotUntil = 0;
  private dropFromBotUntil = 0;
  endpoint = '';
  udpPort = 0;

  constructor(opts: VoiceServerOptions) {
    this.opts = opts;
    this.https = createServer({ cert: opts.certificate.cert, key: opts.certificate.key });
    this.wss = new WebSocketServer({ server: this.https, perMessageDeflate: false });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    this.udp = createSocket('udp4');
    this.udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.https.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.udp.bind(0, '127.0.0.1', resolve));
    const addr = this.https.address();
    this.endpoint = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    this.udpPort = this.udp.address().port;
  }

  /** Creates (or replaces) the bot's session for a guild; returns the token for VOICE_SERVER_UPDATE. */
  prepare(guildId: string, channelId: string, userId: string, sessionId: string): string {
    const token = randomBytes(8).toString('hex');
    this.sessions.set(guildId, {
      guildId,
      channelId,
      userId,
      sessionId,
      token,
      ws: undefined,
      seq: 0,
      lastSeqAck: -1,
      ssrc: this.nextSsrc++,
      udp: undefined,
      mode: undefined,
      key: undefined,
      mapped: new Set(),
      botSpeaking: [],
    });
    return token;
  }

  /** The bot left voice in a guild: forget the session and close its socket normally. */
  end(guildId: string): void {
    const s = this.sessions.get(guildId);
    this.sessions.delete(guildId);
    s?.ws?.close(1000, 'left');
  }

  /** Allocates an SSRC for a simulated user. */
  allocateSsrc(): number {
    return this.nextSsrc++;
  }

  /** Sends a JSON voice opcode to the bot's session (sequenced, as v8 does). */
  send(session: VoiceSession, op: number, d: unknown): void {
    session.seq++;
    if (session.ws?.readyState === 1) session.ws.send(JSON.stringify({ op, d, seq: session.seq }));
  }

  /** Sends a sealed RTP datagram to the bot (subject to the UDP-drop fault). */
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
   * Sends raw datagrams to the bot's voice UDP address, `batch` per event-loop turn rather than one
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

  /** Fault: close the bot's voice socket(s) with `code`, and the next `repeat` identifies too. */
  closeBot(code: number, opts: { guildId?: string | undefined; repeat?: number | undefined } = {}): void {
    if (opts.repeat) this.pendingCloses = { code, remaining: opts.repeat };
    for (const s of this.sessions.values()) {
      if (opts.guildId && s.guildId !== opts.guildId) continue;
      this.closeSession(s, code);
    }
  }

  /** Fault: sends a raw frame (text as-is, bytes as a binary frame) on the bot's voice socket(s). */
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

  private closeSession(s: VoiceSession, code: number): void {
    const ws = s.ws;
    s.ws = undefined;
    this.stats.closes.push({ code, atMs: performance.now() });
    ws?.close(code, 'sim fault');
    if (code === 4014) {
      this.sessions.delete(s.guildId);
      this.opts.onDisconnected(s);
    }
  }

  private onConnection(ws: WebSocket): void {
    let bound: VoiceSession | undefined;
    const hello = {
      op: VoiceOpcodes.Hello,
      d: { v: 8, heartbeat_interval: this.opts.heartbeatIntervalMs ?? 13_750 },
    };
    ws.send(JSON.stringify(hello));
    ws.on('message', (raw, isBinary) => {
      queueMicrotask(() => this.opts.onChange());
      if (isBinary) return; // DAVE binary opcodes: DAVE is off here.
      let msg: Json;
      try {
        msg = JSON.parse(String(raw)) as Json;
      } catch {
        ws.close(4002, 'Failed to decode payload');
        return;
      }
      const d = (msg.d ?? {}) as Record<string, unknown>;
      switch (msg.op) {
        case VoiceOpcodes.Identify: {
          this.stats.identifies++;
          const s = this.sessions.get(String(d.server_id));
          if (!s || s.token !== d.token || s.sessionId !== d.session_id || s.userId !== d.user_id) {
            ws.close(4006, 'Session no longer valid');
            return;
          }
          if (this.pendingCloses && this.pendingCloses.remaining > 0) {
            this.pendingCloses.remaining--;
            s.ws = ws;
            this.closeSession(s, this.pendingCloses.code);
            return;
          }
          if (s.ws && s.ws !== ws) s.ws.terminate();
          s.ws = ws;
          bound = s;
          s.mapped.clear();
          const modes = this.opts.modes ?? ENCRYPTION_MODES;
          this.send(s, VoiceOpcodes.Ready, {
            ssrc: s.ssrc,
            ip: '127.0.0.1',
            port: this.udpPort,
            modes: [...modes],
          });
          return;
        }
        case VoiceOpcodes.SelectProtocol: {
          if (!bound) return ws.close(4003, 'Not authenticated');
          const data = (d.data ?? {}) as { mode?: string };
          const modes: readonly string[] = this.opts.modes ?? ENCRYPTION_MODES;
          if (!data.mode || !modes.includes(data.mode)) return ws.close(4016, 'Unknown encryption mode');
          bound.mode = data.mode as EncryptionMode;
          bound.key = new Uint8Array(randomBytes(32));
          this.stats.readies++;
          this.send(bound, VoiceOpcodes.SessionDescription, {
            mode: bound.mode,
            secret_key: [...bound.key],
            dave_protocol_version: 0,
            audio_codec: 'opus',
            media_session_id: bound.token,
          });
          const others = this.opts.usersInChannel(bound.channelId).filter((u) => u !== bound?.userId);
          if (others.length > 0) this.send(bound, VoiceOpcodes.ClientsConnect, { user_ids: others });
          return;
        }
        case VoiceOpcodes.Heartbeat:
          this.stats.heartbeats++;
          if (bound && typeof d.seq_ack === 'number') bound.lastSeqAck = d.seq_ack;
          ws.send(JSON.stringify({ op: VoiceOpcodes.HeartbeatAck, d: { t: d.t } }));
          return;
        case VoiceOpcodes.Speaking:
          bound?.botSpeaking.push({ speaking: Number(d.speaking ?? 0), atMs: performance.now() });
          return;
        case VoiceOpcodes.Resume: {
          const s = this.sessions.get(String(d.server_id));
          if (!s || s.token !== d.token || s.sessionId !== d.session_id || !s.key) {
            ws.close(4006, 'Session no longer valid');
            return;
          }
          this.stats.resumes++;
          if (s.ws && s.ws !== ws) s.ws.terminate();
          s.ws = ws;
          bound = s;
          this.send(s, VoiceOpcodes.Resumed, null);
          return;
        }
        default:
          return;
      }
    });
    ws.on('close', () => {
      if (bound && bound.ws === ws) bound.ws = undefined;
      this.opts.onChange();
    });
  }

  private onUdp(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length === 74 && msg.readUInt16BE(0) === 1) {
      const ssrc = msg.readUInt32BE(4);
      const s = [...this.sessions.values()].find((x) => x.ssrc === ssrc);
      if (!s) return;
      s.udp = rinfo;
      const reply = Buffer.alloc(74);
      reply.writeUInt16BE(2, 0);
      reply.writeUInt16BE(70, 2);
      reply.writeUInt32BE(ssrc, 4);
      reply.write(rinfo.address, 8, 'utf8');
      reply.writeUInt16BE(rinfo.port, 72);
      this.udp.send(reply, rinfo.port, rinfo.address);
      return;
    }
    if (msg.length === 8) {
      this.stats.keepAlives++;
      return;
    }
    if (msg.length < 12) return;
    const now = performance.now();
    if (now < this.dropFromBotUntil) {
      this.stats.droppedFromBot++;
      return;
    }
    const ssrc = msg.readUInt32BE(8);
    const s = [...this.sessions.values()].find((x) => x.ssrc === ssrc);
    if (!s?.mode || !s.key) return;
    const parsed = parseRtpPacket(s.mode, s.key, msg);
    if (!parsed) {
      this.stats.undecryptableFromBot++;
      return;
    }
    this.stats.packetsFromBot++;
    this.opts.onBotPacket(s, parsed, now);
    this.opts.onChange();
  }
}
