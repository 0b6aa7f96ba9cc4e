// Model audio → Discord: 24 kHz mono PCM is resampled to 48 kHz stereo, cut into 20 ms frames
// and Opus-encoded as it arrives; the player pulls one packet per tick from this queue.
import { Readable } from 'node:stream';
import { createOpusEncoder, type OpusEncoder } from '@troupe/opus';
import { createResampler, FrameChunker, type Resampler } from '@troupe/realtime-core';

/**
 * One model reply as an object-mode stream of Opus packets. Pull-based with a high-water mark
 * of 1, so on barge-in nothing is buffered inside Node streams: dropping our queue drops it all.
 */
export class ResponseStream extends Readable {
  readonly responseId: string;
  itemId: string | undefined;
  readonly #resampler: Resampler;
  readonly #chunker = new FrameChunker(1920);
  readonly #encoder: OpusEncoder;
  readonly #queue: Buffer[] = [];
  #ended = false;
  #waiting = false;
  /** `_read` calls that found nothing queued while the reply was still streaming. */
  underruns = 0;
  packetsEncoded = 0;
  onFirstPacketRead: (() => void) | undefined;

  constructor(responseId: string, encoder = createOpusEncoder({ sampleRate: 48000, channels: 2 })) {
    super({ objectMode: true, highWaterMark: 1 });
    this.responseId = responseId;
    this.#encoder = encoder;
    this.#resampler = createResampler({
      inputRate: 24000,
      outputRate: 48000,
      inputChannels: 1,
      outputChannels: 2,
    });
  }

  get queuedPackets(): number {
    return this.#queue.length;
  }

  /** Adds model audio (24 kHz mono PCM16). */
  pushAudio(pcm: Int16Array): void {
    if (this.#ended) return;
    for (const frame of this.#chunker.push(this.#resampler.push(pcm))) this.#enqueue(frame);
  }

  /** The reply is complete: flush the resampler and the last partial frame. */
  finish(): void {
    if (this.#ended) return;
    const tail = this.#resampler.flush();
    for (const frame of this.#chunker.push(tail)) this.#enqueue(frame);
    const last = this.#chunker.flush();
    if (last) this.#enqueue(last);
    this.#ended = true;
    this.#drain();
  }

  /** Barge-in: forget everything not yet played and end the stream. */
  abort(): void {
    this.#queue.length = 0;
    this.#ended = true;
    this.#drain();
  }

  #enqueue(frame: Int16Array): void {
    this.#queue.push(Buffer.from(this.#encoder.encode(frame)));
    this.packetsEncoded++;
    this.#drain();
  }

  #drain(): void {
    if (!this.#waiting) return;
    const packet = this.#queue.shift();
    if (packet) {
      this.#waiting = false;
      this.#markFirst();
      this.push(packet);
    } else if (this.#ended) {
      this.#waiting = false;
      this.push(null);
    }
  }

  #markFirst(): void {
    if (this.onFirstPacketRead) {
      const cb = this.onFirstPacketRead;
      this.onFirstPacketRead = undefined;
      cb();
    }
  }

  override _read(): void {
    const packet = this.#queue.shift();
    if (packet) {
      this.#markFirst();
      this.push(packet);
      return;
    }
    if (this.#ended) {
      this.push(null);
      return;
    }
    // Before the first packet the player is just buffering; after it, an empty read is a gap.
    if (this.onFirstPacketRead === undefined && this.packetsEncoded > 0) this.underruns++;
    this.#waiting = true;
  }
}
