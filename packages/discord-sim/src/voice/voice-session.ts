import type { RemoteInfo } from 'node:dgram';
import type { WebSocket } from 'ws';
import type { EncryptionMode } from '../crypto/transport-crypto.ts';
import type { DaveStats } from './dave-hub.ts';

/**
 * A bot's voice session in one guild: created by VOICE_SERVER_UPDATE, bound to a WebSocket by
 * Identify (or re-bound by Resume), ready for RTP after Select Protocol.
 */
export interface VoiceSession {
  guildId: string;
  channelId: string;
  userId: string;
  sessionId: string;
  token: string;
  ws: WebSocket | undefined;
  /** Server→client sequence (v8 buffered resume), shared by JSON and binary frames; echoed as seq_ack. */
  seq: number;
  lastSeqAck: number;
  /** Sequenced frames not yet acknowledged, replayed on Resume (voice gateway v8 buffered resume). */
  unacked: { seq: number; data: string | Uint8Array }[];
  ssrc: number;
  /** Set once the client has discovered its address over UDP. */
  udp: RemoteInfo | undefined;
  mode: EncryptionMode | undefined;
  key: Uint8Array | undefined;
  /** `max_dave_protocol_version` from Identify (0 when absent). */
  maxDaveVersion: number;
  /** The DAVE protocol version of op 4 (0: transport encryption only). */
  daveVersion: number;
  /** Users whose SSRC the client has been told via op 5. */
  mapped: Set<string>;
  /** op 5 Speaking payloads from the bot. */
  botSpeaking: { speaking: number; atMs: number }[];
  /** Transport nonce counter for packets the sim sends this client. */
  nonce: number;
}

/** Counters and records tests assert on. */
export interface VoiceServerStats {
  identifies: number;
  resumes: number;
  readies: number;
  closes: { code: number; atMs: number }[];
  heartbeats: number;
  keepAlives: number;
  packetsFromBot: number;
  packetsToBot: number;
  droppedToBot: number;
  droppedFromBot: number;
  undecryptableFromBot: number;
  /** Raw datagrams sent with `sendRawUdp` / `fuzzVoice`. */
  rawToBot: number;
  /** Packets from one bot forwarded to another bot in the same channel (the SFU's relay). */
  relayed: number;
  /**
   * Non-silence frames a bot sent without end-to-end encryption in an E2EE (DAVE) call: each one
   * is audio Discord's SFU could have heard. Any bot that waits for its group sends none.
   */
  unencryptedFromBot: number;
  /** Frames from a bot the voice gateway could not decode (closed 4002). */
  undecodableFrames: number;
  dave: DaveStats;
}
