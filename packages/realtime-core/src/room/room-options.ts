import type { PcmFrame } from '../audio/frames.ts';
import type { Clock, Logger } from '../session/clock.ts';
import type { CastMember, FrameSink, RoomEndReason, TurnLatency, UsageDelta } from './ports.ts';
import type { OutputFormat } from './reply.ts';
import type { SceneOptions } from './scene/scene-types.ts';
import type { Speaker } from './speakers.ts';

/** Knobs with defaults that suit a busy roleplay channel. */
export interface RoomTuning {
  /** A speaker keeps the floor through pauses shorter than this. */
  hangoverMs: number;
  /** Most audio held per waiting speaker; the oldest beyond it is dropped (and counted). */
  maxHeldMs: number;
  /** Speech a speaker needs before it interrupts a character (the echo guard). */
  bargeInMinSpeechMs: number;
  /**
   * The turn-end silence: a floor holder silent this long has finished (their turn closes and the
   * model hears exactly this much silence after their last words, so its server VAD ends the turn
   * too). Give it the model's VAD `silence_duration_ms`: shorter pauses reach the model as they were.
   */
  trailingSilenceMs: number;
  /** Frames quieter than this (RMS, dBFS) are silence: they keep a pause's timing but never open a turn or interrupt. */
  speechLevelDbfs: number;
  /** A gap between a speaker's frames shorter than this is network jitter, not a pause (ms). */
  minGapMs: number;
  /** Frames a reply buffers before it starts playing. */
  preRollFrames: number;
  /** Most reply audio held ahead of playback; a reply past it is cut (see ReplyPlayer.audio). */
  maxAheadMs: number;
  /** A playing reply that delivers nothing for this many 20 ms ticks is given up. */
  maxMissedFrames: number;
  /** Usage is reported at least this often while audio flows, and at every reply's end and the room's. */
  usageFlushMs: number;
}

export const DEFAULT_ROOM_TUNING: RoomTuning = {
  hangoverMs: 700,
  maxHeldMs: 4000,
  bargeInMinSpeechMs: 300,
  trailingSilenceMs: 700,
  speechLevelDbfs: -50,
  minGapMs: 25,
  preRollFrames: 3,
  maxAheadMs: 60_000,
  maxMissedFrames: 500,
  usageFlushMs: 5000,
};

export interface RoomOptions {
  /**
   * One character whose session runs server VAD (it answers by itself). For several characters, or
   * replies only when addressed, give `scene` instead.
   */
  cast?: readonly CastMember[];
  /** An ensemble scene: characters connected on demand, the room ends each turn and a director picks who answers. */
  scene?: SceneOptions;
  sink: FrameSink;
  /** The room's only source of time and timers (pacing, floor hangover, latency, usage flushes). */
  clock: Clock;
  /** Asked before any of a speaker's audio or their label is sent: true means never send it. */
  isOptedOut?: (speakerId: string) => boolean;
  tuning?: Partial<RoomTuning>;
  /** Format of the frames handed to the sink. Default: the model's (24 kHz mono). */
  output?: OutputFormat;
  /** The model sessions' PCM rate. Default 24 kHz. */
  modelRate?: number;
  /** Where a throwing event listener is reported; without it the error is rethrown (outside the room). */
  logger?: Logger;
}

/** Audio from one speaker, as their transport delivered it. The room takes ownership of `pcm`. */
export interface SpeakerFrame extends PcmFrame {
  /** When the transport received it (room clock): measures receive → sent to the model. */
  receivedAt?: number;
}

/**
 * The conversation's state. quiet: nobody holds the floor; turn: a speaker holds it and their
 * labelled turn is open at the model; ended: nothing more is heard or played.
 */
export type RoomState =
  | { status: 'quiet' }
  | { status: 'turn'; speaker: Speaker; label: string; since: number }
  | { status: 'ended'; reason: RoomEndReason; message?: string; modelError?: string };

export interface RoomStatus {
  state: RoomState['status'];
  /** The label of the speaker holding the floor. */
  floor: string | undefined;
  speakers: {
    id: string;
    label: string | undefined;
    speaking: boolean;
    frames: number;
    heldMs: number;
    optedOut: boolean;
  }[];
  playback: 'idle' | 'playing' | 'trailing';
  usage: UsageDelta;
  /** The last ten turns' latency. */
  turns: TurnLatency[];
  bargeIns: number;
  underruns: number;
  /** Held speaker audio dropped past `maxHeldMs`. */
  droppedHeldMs: number;
  /** Reply audio held ahead of playback now (bounded by `maxAheadMs`). */
  aheadMs: number;
  /** Reply audio dropped past `maxAheadMs`. */
  overflowMs: number;
  /** Turns and items still waiting to be attributed (bounded). */
  pendingAttributions: number;
}
