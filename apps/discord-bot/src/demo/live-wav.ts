// What a listener heard, written as it happens: each packet's audio lands at the moment it
// arrived, and the silences between replies are kept, so the WAV is as long as the scene and
// plays back like being in the channel. The file grows during the demo; its header sizes are
// patched when it is closed.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeWav } from './wav.ts';

/**
 * Pure placement: where each chunk of audio goes on the scene's timeline. Audio that arrives
 * within `jitterMs` of where the previous chunk ended is appended back to back (packets are paced
 * at 20 ms, give or take the network); a later arrival first gets the silence since then.
 */
export class ListenerTimeline {
  readonly #samplesPerMs: number;
  readonly #channels: number;
  readonly #startMs: number;
  readonly #jitterMs: number;
  /** Frames (samples per channel) written so far. */
  #cursor = 0;

  constructor(o: { sampleRate: number; channels: number; startMs: number; jitterMs?: number }) {
    this.#samplesPerMs = o.sampleRate / 1000;
    this.#channels = o.channels;
    this.#startMs = o.startMs;
    this.#jitterMs = o.jitterMs ?? 60;
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#cursor;
  }

  /** The silence (in frames) to write before audio arriving at `atMs`, then the audio is appended. */
  place(atMs: number, pcm: Int16Array): { silenceFrames: number; pcm: Int16Array } {
    const due = Math.round((atMs - this.#startMs) * this.#samplesPerMs);
    const late = due - this.#cursor;
    const silenceFrames = late > this.#jitterMs * this.#samplesPerMs ? late : 0;
    this.#cursor += silenceFrames + pcm.length / this.#channels;
    return { silenceFrames, pcm };
  }

  /** The silence (in frames) from the last audio to the end of the scene at `atMs`. */
  finish(atMs: number): number {
    const end = Math.round((atMs - this.#startMs) * this.#samplesPerMs);
    const tail = Math.max(0, end - this.#cursor);
    this.#cursor += tail;
    return tail;
  }
}

/** A 16-bit PCM WAV file written while audio arrives. */
export class LiveWavFile {
  readonly path: string;
  readonly #fd: number;
  readonly #channels: number;
  readonly #rate: number;
  #dataBytes = 0;

  constructor(path: string, sampleRate: number, channels: number) {
    mkdirSync(dirname(path), { recursive: true });
    this.path = path;
    this.#rate = sampleRate;
    this.#channels = channels;
    this.#fd = openSync(path, 'w');
    writeSync(this.#fd, encodeWav(new Int16Array(0), sampleRate, channels));
  }

  writeSilence(frames: number): void {
    // In slices, so a long pause never needs one huge buffer.
    for (let left = frames; left > 0; left -= 48_000) {
      this.write(new Int16Array(Math.min(left, 48_000) * this.#channels));
    }
  }

  write(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    writeSync(this.#fd, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    this.#dataBytes += pcm.byteLength;
  }

  /** Patches the RIFF and data sizes; returns the duration in ms. */
  close(): number {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(36 + this.#dataBytes);
    writeSync(this.#fd, header, 0, 4, 4);
    header.writeUInt32LE(this.#dataBytes);
    writeSync(this.#fd, header, 0, 4, 40);
    closeSync(this.#fd);
    return (this.#dataBytes / 2 / this.#channels / this.#rate) * 1000;
  }
}
