import type { Persona, RoomTuning, SceneMode, SessionBudget, TransportFactory } from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { SceneMemoryStore } from '../memory/scene-memory-store.ts';
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
  /** Floor hangover: a speaker keeps the floor through pauses shorter than this. */
  hangoverMs: number;
  /** Rejoin attempts allowed before giving up (Discord close 4017 storms). */
  maxRejoinAttempts: number;
  /**
   * The turn-end silence, one setting for both sides: the model's server VAD `silence_duration_ms`
   * and the room's end of a speaker's turn (a guild's `/settings vad silence-ms` replaces it). Pauses
   * shorter than it reach the model as they were, within one turn.
   */
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
  hangoverMs: 700,
  maxRejoinAttempts: 5,
  vadSilenceMs: 700,
  playbackFormat: 'mono24k',
  opusComplexity: 5,
};

/** The room's share of the tuning: the conversation rules (the rest is Discord's). */
export function roomTuning(t: VoiceTuning, vad?: { silenceMs?: number | null }): Partial<RoomTuning> {
  return {
    hangoverMs: t.hangoverMs,
    bargeInMinSpeechMs: t.bargeInMinSpeechMs,
    // The room ends a turn at the same silence as the model's VAD: neither ends it before the other.
    trailingSilenceMs: vad?.silenceMs ?? t.vadSilenceMs,
    preRollFrames: t.preRollPackets,
  };
}

/** How big scenes may get and how many model sessions they may hold. */
export interface SceneLimits {
  /** Most characters in one channel's scene. Default 3. */
  maxCast: number;
  /** Most of one scene's characters connected at once. Default: maxCast. */
  maxLiveSessions?: number;
  /**
   * Model sessions open at once in this process, shared by every channel (a one-character channel
   * holds one too). StepFun's lowest tier allows about 5 per account. Without it: unbounded.
   */
  budget?: SessionBudget;
}

export const DEFAULT_MAX_CAST = 3;

/** A channel's scene settings, kept for the channel while the process runs. */
export interface ChannelSceneSettings {
  mode: SceneMode;
  /** Characters answer only when addressed by name (or when one person is present). */
  addressedOnly: boolean;
}

export interface ChannelManagerOptions {
  realtime: { url: string; model: string; apiKey: string };
  logger: Logger;
  isOptedOut(guildId: string, userId: string): boolean;
  transportFactory?: TransportFactory;
  tuning?: Partial<VoiceTuning>;
  scenes?: Partial<SceneLimits>;
  /** Where the scene's lines are kept per channel and character; without it nothing is stored. */
  memory?: SceneMemoryStore | undefined;
  /** Wall clock for stored lines (default Date.now). */
  now?: () => number;
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

/** A join or a new character refused because every model session of the process is in use. */
export class VoiceBudgetError extends Error {
  override name = 'VoiceBudgetError';
  readonly limit: number;
  constructor(limit: number) {
    super(
      `all ${limit} voice model sessions this bot may hold at once are in use; try again when another channel ends`,
    );
    this.limit = limit;
  }
}

/** Why a scene change was refused (the command layer words it in the reader's language). */
export type SceneRefusal = 'full' | 'already' | 'nameTaken' | 'last' | 'absent' | 'inScene';

export class SceneChangeError extends Error {
  override name = 'SceneChangeError';
  readonly refusal: SceneRefusal;
  constructor(refusal: SceneRefusal, message: string) {
    super(message);
    this.refusal = refusal;
  }
}

export type { Persona };
