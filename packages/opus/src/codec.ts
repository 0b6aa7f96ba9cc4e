import { type EvanEncoder, opusModule } from './backend.ts';

/** Opus' legal PCM rates. */
export type OpusSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;

/** The 3-byte Opus packet Discord treats as silence. */
export const SILENCE_FRAME: Uint8Array = Uint8Array.of(0xf8, 0xff, 0xfe);

/** The packet is Discord's silence frame (DAVE sends it unencrypted: https://daveprotocol.com/#silence-packets). */
export function isSilenceFrame(frame: Uint8Array): boolean {
  return (
    frame.length === 3 &&
    frame[0] === SILENCE_FRAME[0] &&
    frame[1] === SILENCE_FRAME[1] &&
    frame[2] === SILENCE_FRAME[2]
  );
}

// Neither @evan/opus binding has a reset method; libopus' reset is a CTL (it ignores the argument).
const OPUS_RESET_STATE = 4028;

const RATES: ReadonlySet<number> = new Set([8000, 12000, 16000, 24000, 48000]);

function checkFormat(sampleRate: number, channels: number): void {
  if (!RATES.has(sampleRate)) {
    throw new RangeError(
      `Opus sample rate must be one of 8000, 12000, 16000, 24000, 48000 (got ${sampleRate})`,
    );
  }
  if (channels !== 1 && channels !== 2)
    throw new RangeError(`Opus channels must be 1 or 2 (got ${channels})`);
}

/** A per-stream decoder that never throws on bad input. */
export interface OpusDecoder {
  /** Decodes one packet to interleaved PCM16 at the decoder's rate; `null` for a corrupt or empty packet. */
  decode(packet: Uint8Array): Int16Array | null;
  reset(): void;
  readonly sampleRate: OpusSampleRate;
  readonly channels: 1 | 2;
  readonly corruptPackets: number;
}

/**
 * Creates a decoder. libopus resamples and downmixes internally, so asking for
 * 24 kHz mono feeds a realtime model with no JS resampler (cheaper and as clean: perf.md §3).
 */
export function createOpusDecoder(options: { sampleRate: OpusSampleRate; channels: 1 | 2 }): OpusDecoder {
  checkFormat(options.sampleRate, options.channels);
  const { Decoder } = opusModule();
  const decoder = new Decoder({ channels: options.channels, sample_rate: options.sampleRate });
  // 120 ms is Opus' longest packet; anything claiming more is corrupt.
  const maxSamples = (options.sampleRate * 120) / 1000;
  let corrupt = 0;
  return {
    sampleRate: options.sampleRate,
    channels: options.channels,
    get corruptPackets() {
      return corrupt;
    },
    decode(packet) {
      if (packet.byteLength === 0) {
        corrupt++;
        return null;
      }
      try {
        const bytes = decoder.decode(packet);
        const samples = bytes.byteLength >> 1;
        if (samples === 0 || samples / options.channels > maxSamples) {
          corrupt++;
          return null;
        }
        // The binding returns a fresh copy on a byte-aligned buffer; view it as samples.
        return new Int16Array(bytes.buffer, bytes.byteOffset, samples);
      } catch {
        corrupt++;
        return null;
      }
    },
    reset() {
      decoder.ctl(OPUS_RESET_STATE, 0);
    },
  };
}

const OPUS_SET_BITRATE = 4002;
const OPUS_SET_COMPLEXITY = 4010;

function setCtl(encoder: EvanEncoder, ctl: number, value: number, name: string): void {
  let status: number;
  try {
    status = encoder.ctl(ctl, value);
  } catch (err) {
    throw new RangeError(`Opus rejected ${name} = ${value} (${(err as Error).message})`);
  }
  if (status !== 0) throw new RangeError(`Opus rejected ${name} = ${value} (status ${status})`);
}

/** A per-stream encoder of 20 ms frames. */
export interface OpusEncoder {
  /** Encodes exactly one 20 ms frame of interleaved PCM16; returns a packet the caller owns. */
  encode(frame: Int16Array): Uint8Array;
  reset(): void;
  /** Interleaved samples per 20 ms frame. */
  readonly frameSamples: number;
}

/** Creates an encoder; `audio` application keeps CELT (4x cheaper than the SILK path, perf.md §2). */
export function createOpusEncoder(options: {
  sampleRate: OpusSampleRate;
  channels: 1 | 2;
  application?: 'audio' | 'voip' | 'restricted_lowdelay';
  bitrate?: number;
  complexity?: number;
}): OpusEncoder {
  checkFormat(options.sampleRate, options.channels);
  const { Encoder } = opusModule();
  const encoder = new Encoder({
    channels: options.channels,
    sample_rate: options.sampleRate,
    application: options.application ?? 'audio',
  });
  // The raw bindings have no bitrate/complexity setters (only @evan/opus's wrapper does), so
  // assigning properties would be silently ignored: set them through libopus CTLs.
  setCtl(encoder, OPUS_SET_BITRATE, options.bitrate ?? 64_000, 'bitrate');
  if (options.complexity !== undefined)
    setCtl(encoder, OPUS_SET_COMPLEXITY, options.complexity, 'complexity');
  const frameSamples = (options.sampleRate / 50) * options.channels;
  return {
    frameSamples,
    encode(frame) {
      if (frame.length !== frameSamples) {
        throw new RangeError(
          `Opus encoder expects one 20 ms frame of ${frameSamples} interleaved samples (got ${frame.length}); chunk audio with FrameChunker first`,
        );
      }
      return encoder.encode(frame);
    },
    reset() {
      encoder.ctl(OPUS_RESET_STATE, 0);
    },
  };
}
