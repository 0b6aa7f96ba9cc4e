import type { RemoteInfo } from 'node:dgram';
import type { WebSocket } from 'ws';
import type { EncryptionMode } from '../crypto/transport-crypto.ts';

/**
 * The bot's voice session in one guild: created by VOICE_SERVER_UPDATE, bound to a
 * WebSocket by Identify (or re-bound by Resume), ready for RTP after Select Protocol.
 */
export interface VoiceSession {
  guildId: string;
  channelId: string;
  userId: string;
  sessionId: string;
  token: string;
  ws: WebSocket | undefined;
  /** Server→client JSON sequence (v8 buffered resume); the client echoes it as seq_ack. */
  seq: number;
  lastSeqAck: number;
  ssrc: number;
  /** Set once the client has discovered its address over UDP. */
  udp: RemoteInfo | undefined;
  mode: EncryptionMode | undefined;
  key: Uint8Array | undefined;
  /** Users whose SSRC the client has been told via op 5. */
  mapped: Set<string>;
  /** op 5 Speaking payloads from the bot. */
  botSpeaking: { speaking: number; atMs: number }[];
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
}
