import type { Persona, RoomTuning, TransportFactory } from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { PlaybackFormat } from './opus-frame-sink.ts';

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
  /** Opus packets at the model's 24 kHz mono (no resampler, default) or resampled to 48 kHz stereo. */
  playbackFormat: PlaybackFormat;
  /** Opus encoder complexity 0–10; libopus defaults to 9–10, 5 costs less with little loss on speech. */
  opusComplexity: number | undefined;
}

export const DEFAULT_TUNING: VoiceTuning = {
  idleLeaveMs: 60_000,
  bargeInMinSpeechMs: 300,
  preRollPackets: 3,
  trailingSilenceMs: 700,
  hangoverMs: 700,
  maxRejoinAttempts: 5,
  vadSilenceMs: 500,
  playbackFormat: 'mono24k',
  opusComplexity: 5,
};

/** The room's share of the tuning: the conversation rules (the rest is Discord's). */
export function roomTuning(t: VoiceTuning): Partial<RoomTuning> {
  return {
    hangoverMs: t.hangoverMs,
    bargeInMinSpeechMs: t.bargeInMinSpeechMs,
    trailingSilenceMs: t.trailingSilenceMs,
    preRollFrames: t.preRollPackets,
  };
}

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

/**
 * An exclusive join found the guild's persona already in voice (possibly started by a racing
 * `/join` it waited for): where it is and who it is, for the caller to say so.
 */
export class VoiceBusyError extends Error {
  override name = 'VoiceBusyError';
  readonly channelId: string;
  readonly personaName: string;
  constructor(channelId: string, personaName: string) {
    super(`${personaName} is already talking in <#${channelId}>`);
    this.channelId = channelId;
    this.personaName = personaName;
  }
}

export type { Persona };
