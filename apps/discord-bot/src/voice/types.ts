import type { Persona, TransportFactory } from '@troupe/realtime-core';
import type { Logger } from 'pino';

export type { TurnLatency, VoiceEvents, VoiceStatus } from '../voice-port.ts';

/** Knobs with defaults that suit a busy roleplay channel. */
export interface VoiceTuning {
  /** Leave after the channel has had no humans for this long. */
  idleLeaveMs: number;
  /** Human speech needed before it interrupts the persona (echo guard). */
  bargeInMinSpeechMs: number;
  /** Packets encoded before playback starts, so a bursty model does not underrun at once. */
  preRollPackets: number;
  /** Silence appended once when Discord stops sending, so server VAD ends the turn. */
  trailingSilenceMs: number;
  /** Floor hangover: a speaker keeps the floor through pauses shorter than this. */
  hangoverMs: number;
  /** Rejoin attempts allowed before giving up (Discord close 4017 storms). */
  maxRejoinAttempts: number;
  /** Server VAD silence the model waits for before ending a turn. */
  vadSilenceMs: number;
}

export const DEFAULT_TUNING: VoiceTuning = {
  idleLeaveMs: 60_000,
  bargeInMinSpeechMs: 300,
  preRollPackets: 3,
  trailingSilenceMs: 700,
  hangoverMs: 700,
  maxRejoinAttempts: 5,
  vadSilenceMs: 500,
};

export interface ChannelManagerOptions {
  realtime: { url: string; model: string; apiKey: string };
  logger: Logger;
  isOptedOut(guildId: string, userId: string): boolean;
  transportFactory?: TransportFactory;
  tuning?: Partial<VoiceTuning>;
}

/** A user-facing reason a join cannot happen. */
export class VoiceJoinError extends Error {
  override name = 'VoiceJoinError';
}

export type { Persona };
