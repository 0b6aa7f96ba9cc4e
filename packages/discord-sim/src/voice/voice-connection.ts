/**
 * One voice WebSocket: Identify / Select Protocol / Heartbeat / Speaking / Resume
 * (https://discord.com/developers/docs/topics/voice-connections), plus the DAVE opcodes a client
 * sends (23, 26, 28, 31; https://daveprotocol.com/#voice-gateway-opcodes).
 */
import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import type { RawData, WebSocket } from 'ws';
import { ENCRYPTION_MODES, type EncryptionMode } from '../crypto/transport-crypto.ts';
import { type DaveClientMessage, DaveOp, decodeClientBinary, transitionIdOf } from '../dave/dave-messages.ts';
import { DAVE_PROTOCOL_VERSION } from '../dave/media-session.ts';
import type { VoiceServer } from './voice-server.ts';
import type { VoiceSession } from './voice-session.ts';

type Json = { op: number; d?: unknown; seq_ack?: number };

function sessionOf(server: VoiceServer, d: Record<string, unknown>): VoiceSession | undefined {
  const s = server.session(String(d.server_id), String(d.user_id ?? ''));
  if (s) return s;
  // Resume carries no user_id: find the session by its token.
  return [...server.sessions.values()].find((x) => x.guildId === String(d.server_id) && x.token === d.token);
}

/** Drops frames the client has acknowledged (seq_ack), with 16-bit wrap-around. */
function acknowledge(s: VoiceSession, ack: number): void {
  s.lastSeqAck = ack;
  s.unacked = s.unacked.filter((e) => ((ack - e.seq) & 0xffff) >= 0x8000);
}

export function handleVoiceConnection(server: VoiceServer, ws: WebSocket): void {
  let bound: VoiceSession | undefined;
  const { stats, opts } = server;
  ws.send(
    JSON.stringify({
      op: VoiceOpcodes.Hello,
      d: { v: 8, heartbeat_interval: opts.heartbeatIntervalMs ?? 13_750 },
    }),
  );

  const onDave = (msg: DaveClientMessage) => {
    if (!bound || bound.ws !== ws) return ws.close(4003, 'Not authenticated');
    if (bound.daveVersion > 0) opts.dave.fromBot(bound.channelId, bound.userId, msg);
  };

  const onIdentify = (d: Record<string, unknown>) => {
    stats.identifies++;
    const s = sessionOf(server, d);
    if (!s || s.token !== d.token || s.sessionId !== d.session_id || s.userId !== d.user_id)
      return ws.close(4006, 'Session no longer valid');
    if (server.pendingCloses && server.pendingCloses.remaining > 0) {
      server.pendingCloses.remaining--;
      s.ws = ws;
      return server.closeSession(s, server.pendingCloses.code);
    }
    const offered = typeof d.max_dave_protocol_version === 'number' ? d.max_dave_protocol_version : 0;
    // Since 2026-03-02 Discord closes non-DAVE clients of E2EE calls with 4017 (opcodes-and-status-codes).
    if (opts.daveRequired(s.channelId) && offered < DAVE_PROTOCOL_VERSION) {
      s.ws = ws;
      return server.closeSession(s, 4017, 'E2EE/DAVE protocol required');
    }
    if (s.ws && s.ws !== ws) s.ws.terminate();
    if (s.daveVersion > 0) server.leaveMedia(s);
    s.ws = ws;
    s.maxDaveVersion = offered;
    s.seq = 0;
    s.unacked = [];
    bound = s;
    s.mapped.clear();
    const modes = opts.modes ?? ENCRYPTION_MODES;
    server.send(s, VoiceOpcodes.Ready, {
      ssrc: s.ssrc,
      ip: '127.0.0.1',
      port: server.udpPort,
      modes: [...modes],
    });
  };

  const onSelectProtocol = (d: Record<string, unknown>) => {
    const s = bound;
    if (!s) return ws.close(4003, 'Not authenticated');
    const data = (d.data ?? {}) as { mode?: string };
    const modes: readonly string[] = opts.modes ?? ENCRYPTION_MODES;
    if (!data.mode || !modes.includes(data.mode)) return ws.close(4016, 'Unknown encryption mode');
    s.mode = data.mode as EncryptionMode;
    s.key = new Uint8Array(globalThis.crypto.getRandomValues(new Uint8Array(32)));
    // The lowest version every member supports; all DAVE clients here support 1 (voice-connections:
    // "The voice gateway selects the lowest shared protocol version for the call").
    s.daveVersion = opts.daveRequired(s.channelId) ? DAVE_PROTOCOL_VERSION : 0;
    stats.readies++;
    server.send(s, VoiceOpcodes.SessionDescription, {
      mode: s.mode,
      secret_key: [...s.key],
      dave_protocol_version: s.daveVersion,
      audio_codec: 'opus',
      media_session_id: s.token,
    });
    server.joinMedia(s);
  };

  const onResume = (d: Record<string, unknown>) => {
    const s = sessionOf(server, d);
    if (!s || s.token !== d.token || s.sessionId !== d.session_id || !s.key)
      return ws.close(4006, 'Session no longer valid');
    stats.resumes++;
    if (s.ws && s.ws !== ws) s.ws.terminate();
    s.ws = ws;
    bound = s;
    // Unsequenced, so the client's seq_ack does not jump past the frames replayed after it.
    ws.send(JSON.stringify({ op: VoiceOpcodes.Resumed, d: null }));
    if (typeof d.seq_ack === 'number') acknowledge(s, d.seq_ack);
    for (const e of s.unacked) ws.send(e.data, { binary: typeof e.data !== 'string' });
  };

  const onJson = (msg: Json) => {
    const d = (msg.d ?? {}) as Record<string, unknown>;
    switch (msg.op) {
      case VoiceOpcodes.Identify:
        return onIdentify(d);
      case VoiceOpcodes.SelectProtocol:
        return onSelectProtocol(d);
      case VoiceOpcodes.Heartbeat:
        stats.heartbeats++;
        if (bound && typeof d.seq_ack === 'number') acknowledge(bound, d.seq_ack);
        return ws.send(JSON.stringify({ op: VoiceOpcodes.HeartbeatAck, d: { t: d.t } }));
      case VoiceOpcodes.Speaking:
        bound?.botSpeaking.push({ speaking: Number(d.speaking ?? 0), atMs: performance.now() });
        return;
      case VoiceOpcodes.Resume:
        return onResume(d);
      case DaveOp.TransitionReady:
      case DaveOp.InvalidCommitWelcome: {
        const id = transitionIdOf(d);
        if (id === undefined) return ws.close(4002, 'Failed to decode payload');
        return onDave({ op: msg.op, d: { transition_id: id } });
      }
      default:
        return;
    }
  };

  ws.on('message', (raw: RawData, isBinary) => {
    queueMicrotask(() => opts.onChange());
    if (isBinary) {
      let msg: DaveClientMessage;
      try {
        msg = decodeClientBinary(new Uint8Array(raw as Buffer));
      } catch {
        stats.undecodableFrames++;
        return ws.close(4002, 'Failed to decode payload');
      }
      return onDave(msg);
    }
    let msg: Json;
    try {
      msg = JSON.parse(String(raw)) as Json;
    } catch {
      stats.undecodableFrames++;
      return ws.close(4002, 'Failed to decode payload');
    }
    onJson(msg);
  });
  ws.on('close', () => {
    if (bound && bound.ws === ws) bound.ws = undefined;
    opts.onChange();
  });
}
