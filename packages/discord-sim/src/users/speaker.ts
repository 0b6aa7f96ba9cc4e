import { setTimeout as sleep } from 'node:timers/promises';
import { createOpusEncoder, SILENCE_FRAME } from '@troupe/opus';
import { createRng } from '../audio/rng.ts';
import { monoToStereo } from '../audio/signal.ts';
import type { RtpPacketSpec } from '../rtp/rtp.ts';

/** How a simulated user's client misbehaves while speaking; all randomness comes from `seed`. */
/** An Opus packet no decoder accepts: TOC code 3 announcing zero frames. */
const CORRUPT_OPUS = Uint8Array.of(0xfb, 0x00);

export interface SpeakOptions {
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
  /** Trailing silence frames before going quiet (Discord sends 5). */
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
}

/** Per-user RTP counters, continuous across utterances like a real client's. */
export interface RtpSenderState {
  ssrc: number;
  sequence: number;
  timestamp: number;
}

const FRAME = 960;

/** Speech already cut into 20 ms Opus frames (see {@link encodeSpeech}): load tests reuse one clip. */
export interface PreEncodedSpeech {
  readonly opusFrames: readonly Uint8Array[];
}

type FrameSource = ((i: number) => Uint8Array) & { frames: number };

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
      if (i >= frames) return SILENCE_FRAME;
      const frame = new Int16Array(FRAME * 2);
      frame.set(stereo.subarray(i * FRAME * 2, (i + 1) * FRAME * 2));
      return encoder.encode(frame);
    },
    { frames },
  );
}

function preEncoded(speech: PreEncodedSpeech): FrameSource {
  const frames = speech.opusFrames.length;
  return Object.assign((i: number) => speech.opusFrames[i] ?? SILENCE_FRAME, { frames });
}

/** Encodes 48 kHz mono PCM once, as a client would, for many `speak()` calls. */
export function encodeSpeech(pcm48kMono: Int16Array, bitrate?: number): PreEncodedSpeech {
  const next = liveEncoder(pcm48kMono, bitrate);
  return { opusFrames: Array.from({ length: next.frames }, (_, i) => next(i)) };
}

/**
 * Encodes 48 kHz mono PCM to 20 ms stereo Opus frames and hands them to `transmit` on a
 * drift-free 20 ms schedule (due times are start + n·20 ms, not "20 ms after the last").
 */
export async function speakPcm(
  source: Int16Array | PreEncodedSpeech,
  state: RtpSenderState,
  transmit: (spec: RtpPacketSpec) => boolean,
  opts: SpeakOptions = {},
): Promise<SpeakResult> {
  const rng = createRng(opts.seed ?? 1);
  const frameAt = source instanceof Int16Array ? liveEncoder(source, opts.bitrate) : preEncoded(source);
  const framesEncoded = frameAt.frames;
  const totalFrames = framesEncoded + (opts.silenceFrames ?? 5);

  const result: SpeakResult = {
    framesEncoded,
    packetsSent: 0,
    packetsLost: 0,
    packetsCorrupted: 0,
    packetsUndelivered: 0,
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
  for (let i = 0; i < totalFrames; i++) {
    const wait = start + i * 20 - performance.now();
    if (wait > 0) await sleep(wait);
    const corrupt = i < framesEncoded && opts.corruptPct !== undefined && rng() * 100 < opts.corruptPct;
    if (corrupt) result.packetsCorrupted++;
    const frame = frameAt(i); // encoded even when replaced, so the encoder's state is as a client's
    const opus = corrupt ? CORRUPT_OPUS : frame;
    const spec: RtpPacketSpec = {
      sequence: state.sequence,
      timestamp: state.timestamp,
      ssrc: state.ssrc,
      opus,
      extensionWords: opts.extensionWords,
      padding: opts.paddingBytes,
    };
    state.sequence = (state.sequence + 1) & 0xffff;
    state.timestamp = (state.timestamp + FRAME) >>> 0;
    if (opts.lossPct && rng() * 100 < opts.lossPct) {
      result.packetsLost++;
      continue;
    }
    if (held) {
      emit(spec);
      emit(held);
      held = undefined;
    } else if (opts.reorderPct && rng() * 100 < opts.reorderPct && i < totalFrames - 1) held = spec;
    else emit(spec);
  }
  if (held) emit(held);
  await Promise.all(inFlight);
  return result;
}
