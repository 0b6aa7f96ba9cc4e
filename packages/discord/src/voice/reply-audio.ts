// Model audio → Opus packets for one reply. The model speaks 24 kHz mono; Opus packets carry their
// own rate and channel count (RFC 7587 §3.4), so by default they are encoded at 24 kHz mono with no
// resampler and any client decodes them at 48 kHz stereo. `stereo48k` keeps the resample-to-48k path.
// Frames are encoded just in time, when the pacer sends them: the model streams replies faster
// than real time, and encoding on arrival would burst work into one event-loop turn (delaying
// every other channel's 20 ms tick) and waste it on audio a barge-in throws away.
import { createOpusEncoder, type OpusEncoder } from '@troupe/opus';
import { createResampler, FrameChunker, type Resampler } from '@troupe/realtime-core';

/** How model speech is encoded for Discord. */
export type PlaybackFormat = 'mono24k' | 'stereo48k';

const MODEL_RATE = 24_000;

/** Creates the encoder a channel reuses for every reply in `format`. */
export function createPlaybackEncoder(format: PlaybackFormat, complexity?: number): OpusEncoder {
  return createOpusEncoder({
    sampleRate: format === 'mono24k' ? MODEL_RATE : 48_000,
    channels: format === 'mono24k' ? 1 : 2,
    ...(complexity === undefined ? {} : { complexity }),
  });
}

/** One model reply: PCM in as it streams, Opus packets out one per 20 ms tick. */
export class ReplyAudio {
  readonly responseId: string;
  itemId: string | undefined;
  readonly #upsampler: Resampler | undefined;
  readonly #chunker: FrameChunker;
  readonly #encoder: OpusEncoder;
  /** PCM frames in the encoder's format, waiting to be encoded when their tick comes. */
  readonly #frames: Int16Array[] = [];
  #complete = false;
  #aborted = false;
  packetsEncoded = 0;
  /** Packets handed out after abort(): what a barge-in failed to silence (0 unless a bug). */
  packetsAfterAbort = 0;
  /** When the reply's first audio arrived (performance.now()). */
  readonly createdAt = performance.now();

  constructor(responseId: string, encoder: OpusEncoder, format: PlaybackFormat = 'mono24k') {
    if (encoder.frameSamples !== (format === 'mono24k' ? 480 : 1920))
      throw new RangeError(`the encoder does not match the ${format} playback format`);
    this.responseId = responseId;
    this.#encoder = encoder;
    encoder.reset();
    this.#chunker = new FrameChunker(encoder.frameSamples);
    this.#upsampler =
      format === 'stereo48k'
        ? createResampler({ inputRate: MODEL_RATE, outputRate: 48_000, inputChannels: 1, outputChannels: 2 })
        : undefined;
  }

  /** Frames ready to play (the pre-roll counts these). */
  get queuedFrames(): number {
    return this.#frames.length;
  }

  /** The model finished the reply (or it was aborted) and every frame has been taken. */
  get done(): boolean {
    return (this.#complete || this.#aborted) && this.#frames.length === 0;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Adds model audio (24 kHz mono PCM16). */
  pushAudio(pcm: Int16Array): void {
    if (this.#complete || this.#aborted) return;
    this.#frames.push(...this.#chunker.push(this.#upsampler ? this.#upsampler.push(pcm) : pcm));
  }

  /** The reply is complete: flush the resampler and the last, zero-padded frame. */
  finish(): void {
    if (this.#complete || this.#aborted) return;
    if (this.#upsampler) this.#frames.push(...this.#chunker.push(this.#upsampler.flush()));
    const last = this.#chunker.flush();
    if (last) this.#frames.push(last);
    this.#complete = true;
  }

  /** Barge-in: forget everything not yet played. */
  abort(): void {
    this.#frames.length = 0;
    this.#aborted = true;
  }

  /** Encodes and returns the next packet, or `undefined` if none is ready (yet, or ever: see `done`). */
  nextPacket(): Buffer | undefined {
    const frame = this.#frames.shift();
    if (!frame) return undefined;
    const packet = this.#encoder.encode(frame);
    this.packetsEncoded++;
    if (this.#aborted) this.packetsAfterAbort++;
    // The encoder returns a packet we own: wrap it rather than copy it.
    return Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  }
}
