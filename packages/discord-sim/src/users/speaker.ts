import { setTimeout as sleep } from 'node:timers/promises';
import { createOpusEncoder, SILENCE_FRAME } from '@troupe/opus';
import { createRng } from '../audio/rng.ts';
import { monoToStereo } from '../audio/signal.ts';
import type { RtpPacketSpec } from '../rtp/rtp.ts';
import {
  classifyFrames,
  DEFAULT_VAD_THRESHOLD_DBFS,
  DISCORD_SILENCE_FRAMES,
  FRAME_SAMPLES as FRAME,
  gapsOf,
  planTransmission,
  type SlotKind,
  type SpeakMode,
} from './transmit-plan.ts';

/** An Opus packet no decoder accepts: TOC code 3 announcing zero frames. */
const CORRUPT_OPUS = Uint8Array.of(0xfb, 0x00);

export interface SpeakOptions {
  /**
   * How the client transmits (default `'voice-activity'`, Discord's default input mode):
   * voice-activity sends speech, 5 silence frames after each voiced stretch, then nothing until
   * speech resumes; push-to-talk sends every frame of the clip and 5 silence frames at release;
   * open-mic sends every frame and no silence frames.
   */
  mode?: SpeakMode | undefined;
  /** Voice-activity: RMS above which a 20 ms frame is speech (default -50 dBFS). */
  vadThresholdDbfs?: number | undefined;
  /** Voice-activity: silent frames after speech still sent as audio (default 0, so pauses are exact). */
  vadHangoverFrames?: number | undefined;
  /** Open-mic: ms of encoded room silence sent after the clip (default 0). */
  roomSilenceMs?: number | undefined;
  /** Percentage (0–100) of packets never sent. */
  lossPct?: number | undefined;
  /** Each packet is delayed by a uniform 0..jitterMs extra (can reorder when > 20). */
  jitterMs?: number | undefined;
  /** Percentage of packets swapped with the next one. */
  reorderPct?: number | undefined;
  /** RTP padding bytes on every packet (0 = none); Discord clients pad sometimes. */
  paddingBytes?: number | undefined;
  /** Words of 0xBEDE header extension on every packet (Discord clients send 1+). */
  extensionWords?: number | undefined;
  /**
   * Silence frames at the end (Discord sends 5): after the clip, or in voice-activity mode after
   * its last voiced frame. Default 5, or 0 for open-mic. Inner pauses always get Discord's 5.
   */
  silenceFrames?: number | undefined;
  /** Opus bitrate; defaults to 96 kb/s (needs @troupe/opus to apply it: its native backend currently ignores it). */
  bitrate?: number | undefined;
  /** Percentage of packets whose Opus payload is replaced by an illegal one (code 3, zero frames). */
  corruptPct?: number | undefined;
  seed?: number | undefined;
}

/** What happened during one `speak()`. */
export interface SpeakResult {
  framesEncoded: number;
  /** Packets handed to UDP. */
  packetsSent: number;
  /** Packets withheld by `lossPct`. */
  packetsLost: number;
  /** Packets sent with a corrupt Opus payload (`corruptPct`). */
  packetsCorrupted: number;
  /** Packets that found no voice connection to go to, or were eaten by the UDP-drop fault. */
  packetsUndelivered: number;
  /** Frames of the clip the energy gate heard as speech. */
  framesVoiced: number;
  /** Silence frames (F8 FF FE) the client sent, including any then lost or undelivered. */
  packetsSilence: number;
  /** Lengths in ms of the stretches between packets in which the client sent nothing. */
  gapsMs: number[];
}

/** Per-user RTP counters, continuous across utterances like a real client's. */
export interface RtpSenderState {
  ssrc: number;
  sequence: number;
  timestamp: number;
  /**
   * performance.now() when the last utterance's schedule ended: the next one advances the
   * timestamp by the time in between, as a client's 48 kHz capture clock keeps running.
   */
  clockAtMs?: number | undefined;
}

/** Speech already cut into 20 ms Opus frames (see {@link encodeSpeech}): load tests reuse one clip. */
export interface PreEncodedSpeech {
  readonly opusFrames: readonly Uint8Array[];
  /** Per frame: did the energy gate hear speech (computed at encode time; absent = all voiced). */
  readonly voiced?: readonly boolean[] | undefined;
}

/** Frame i's Opus packet; past the clip's end, encoded digital silence (an open mic's room). */
type FrameSource = ((i: number) => Uint8Array) & { frames: number };

let roomSilence: Uint8Array | undefined;
/** One 20 ms of digital silence encoded as audio (what an open mic sends between words). */
function encodedRoomSilence(): Uint8Array {
  roomSilence ??= createOpusEncoder({ sampleRate: 48_000, channels: 2 }).encode(new Int16Array(FRAME * 2));
  return roomSilence;
}

/**
 * Encodes as each frame is due, like a real client: encoding a whole clip up front would block
 * the emulator's event loop for tens of ms and show up as jitter in every other stream.
 */
function liveEncoder(pcm48kMono: Int16Array, bitrate = 96_000): FrameSource {
  const encoder = createOpusEncoder({ sampleRate: 48_000, channels: 2, bitrate });
  const stereo = monoToStereo(pcm48kMono);
  const frames = Math.ceil(stereo.length / (FRAME * 2));
  return Object.assign(
    (i: number): Uint8Array => {
      const frame = new Int16Array(FRAME * 2);
      frame.set(stereo.subarray(i * FRAME * 2, (i + 1) * FRAME * 2));
      return encoder.encode(frame);
    },
    { frames },
  );
}

function preEncoded(speech: PreEncodedSpeech): FrameSource {
  const frames = speech.opusFrames.length;
  return Object.assign((i: number) => speech.opusFrames[i] ?? encodedRoomSilence(), { frames });
}

/**
 * Encodes 48 kHz mono PCM once, as a client would, for many `speak()` calls; the voiced flag of
 * each frame is kept so voice-activity mode works on it (the gate's threshold is fixed here).
 */
export function encodeSpeech(
  pcm48kMono: Int16Array,
  bitrate?: number,
  vadThresholdDbfs = DEFAULT_VAD_THRESHOLD_DBFS,
): PreEncodedSpeech {
  const next = liveEncoder(pcm48kMono, bitrate);
  return {
    opusFrames: Array.from({ length: next.frames }, (_, i) => next(i)),
    voiced: classifyFrames(pcm48kMono, vadThresholdDbfs),
  };
}

function voicedFlags(source: Int16Array | PreEncodedSpeech, opts: SpeakOptions): readonly boolean[] {
  if (source instanceof Int16Array) return classifyFrames(source, opts.vadThresholdDbfs);
  return source.voiced ?? source.opusFrames.map(() => true);
}

function planFor(source: Int16Array | PreEncodedSpeech, opts: SpeakOptions) {
  const mode = opts.mode ?? 'voice-activity';
  const voiced = voicedFlags(source, opts);
  const slots = planTransmission(voiced, {
    mode,
    hangoverFrames: opts.vadHangoverFrames ?? 0,
    trailingSilenceFrames: opts.silenceFrames ?? (mode === 'open-mic' ? 0 : DISCORD_SILENCE_FRAMES),
    roomSilenceFrames: Math.ceil((opts.roomSilenceMs ?? 0) / 20),
  });
  return { slots, framesVoiced: voiced.filter(Boolean).length };
}

/**
 * Encodes 48 kHz mono PCM to 20 ms stereo Opus frames and hands them to `transmit` on a
 * drift-free 20 ms schedule (due times are start + n·20 ms, not "20 ms after the last"). Slots in
 * which the client sends nothing (voice-activity pauses) still take their 20 ms and advance the
 * RTP timestamp by 960; the sequence advances only per packet sent.
 */
export async function speakPcm(
  source: Int16Array | PreEncodedSpeech,
  state: RtpSenderState,
  transmit: (spec: RtpPacketSpec) => boolean,
  opts: SpeakOptions = {},
): Promise<SpeakResult> {
  const rng = createRng(opts.seed ?? 1);
  const frameAt = source instanceof Int16Array ? liveEncoder(source, opts.bitrate) : preEncoded(source);
  const { slots, framesVoiced } = planFor(source, opts);
  const result: SpeakResult = {
    framesEncoded: frameAt.frames,
    packetsSent: 0,
    packetsLost: 0,
    packetsCorrupted: 0,
    packetsUndelivered: 0,
    framesVoiced,
    packetsSilence: slots.filter((k) => k === 'silence').length,
    gapsMs: gapsOf(slots),
  };
  const inFlight: Promise<void>[] = [];
  const deliver = (spec: RtpPacketSpec) => {
    if (transmit(spec)) result.packetsSent++;
    else result.packetsUndelivered++;
  };
  const emit = (spec: RtpPacketSpec) => {
    const delay = opts.jitterMs ? rng() * opts.jitterMs : 0;
    if (delay <= 0) return deliver(spec);
    inFlight.push(sleep(delay).then(() => deliver(spec)));
  };
  let held: RtpPacketSpec | undefined;
  const start = performance.now();
  if (state.clockAtMs !== undefined && start > state.clockAtMs)
    state.timestamp = (state.timestamp + Math.round((start - state.clockAtMs) / 20) * FRAME) >>> 0;
  const firstTimestamp = state.timestamp;
  // A clip the gate hears no speech in sends nothing and resolves at once (a VAD client stays quiet).
  for (let i = 0; i < slots.length; i++) {
    const kind: SlotKind = slots[i] ?? 'quiet';
    if (kind === 'quiet') continue; // the slot's time passes at the next due packet
    const wait = start + i * 20 - performance.now();
    if (wait > 0) await sleep(wait);
    const corrupt = kind === 'audio' && opts.corruptPct !== undefined && rng() * 100 < opts.corruptPct;
    if (corrupt) result.packetsCorrupted++;
    // Encoded even when replaced, so the encoder's state is as a client's.
    const frame = kind === 'audio' ? frameAt(i) : SILENCE_FRAME;
    const spec: RtpPacketSpec = {
      sequence: state.sequence,
      timestamp: (firstTimestamp + i * FRAME) >>> 0,
      ssrc: state.ssrc,
      opus: corrupt ? CORRUPT_OPUS : frame,
      extensionWords: opts.extensionWords,
      padding: opts.paddingBytes,
    };
    state.sequence = (state.sequence + 1) & 0xffff;
    if (opts.lossPct && rng() * 100 < opts.lossPct) {
      result.packetsLost++;
      continue;
    }
    const nextIsSent = (slots[i + 1] ?? 'quiet') !== 'quiet';
    if (held) {
      emit(spec);
      emit(held);
      held = undefined;
    } else if (opts.reorderPct && rng() * 100 < opts.reorderPct && nextIsSent) held = spec;
    else emit(spec);
  }
  if (held) emit(held);
  // The utterance ends with its last packet: speak() resolves then (load tests time from it), and
  // the silence after it is covered by the capture clock at the next utterance (`clockAtMs`).
  const used = slots.findLastIndex((k) => k !== 'quiet') + 1;
  if (used > 0) {
    state.timestamp = (firstTimestamp + used * FRAME) >>> 0;
    state.clockAtMs = start + used * 20;
  }
  await Promise.all(inFlight);
  return result;
}
