// Small PCM helpers: conversions, mixing, levels and fixed-size framing.

export function int16ToFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
  return out;
}

/** Converts [-1, 1] floats to PCM16, clipping out-of-range samples. */
export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i]! * 32768);
    out[i] = v > 32767 ? 32767 : Math.max(v, -32768);
  }
  return out;
}

/** Adds `src × gain` into `dst` in place, saturating instead of wrapping. */
export function mixInto(dst: Int16Array, src: Int16Array, gain = 1): void {
  const n = Math.min(dst.length, src.length);
  for (let i = 0; i < n; i++) {
    const v = Math.round(dst[i]! + src[i]! * gain);
    dst[i] = v > 32767 ? 32767 : Math.max(v, -32768);
  }
}

export function rms(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return pcm.length === 0 ? 0 : Math.sqrt(sum / pcm.length);
}

/** RMS level relative to full scale, in dB (−Infinity for digital silence). */
export function dbfs(pcm: Int16Array): number {
  return 20 * Math.log10(rms(pcm) / 32768);
}

/** Milliseconds of audio in `samples` interleaved samples. */
export function samplesToMs(samples: number, rate: number, channels = 1): number {
  return (samples / channels / rate) * 1000;
}

/**
 * Cuts a stream into fixed frames (e.g. 20 ms for Opus). `push` returns every complete frame;
 * the remainder waits for the next push. Frames are fresh arrays the caller may keep.
 */
export class FrameChunker {
  readonly frameSamples: number;
  #pending: Int16Array;
  #fill = 0;

  constructor(frameSamples: number) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0)
      throw new RangeError('frameSamples must be > 0');
    this.frameSamples = frameSamples;
    this.#pending = new Int16Array(frameSamples);
  }

  /** Samples waiting for a complete frame. */
  get buffered(): number {
    return this.#fill;
  }

  push(input: Int16Array): Int16Array[] {
    const frames: Int16Array[] = [];
    let at = 0;
    while (at < input.length) {
      const take = Math.min(this.frameSamples - this.#fill, input.length - at);
      this.#pending.set(input.subarray(at, at + take), this.#fill);
      this.#fill += take;
      at += take;
      if (this.#fill === this.frameSamples) {
        frames.push(this.#pending);
        this.#pending = new Int16Array(this.frameSamples);
        this.#fill = 0;
      }
    }
    return frames;
  }

  /** The partial last frame, zero-padded, or `null` if nothing is pending. */
  flush(): Int16Array | null {
    if (this.#fill === 0) return null;
    const last = this.#pending;
    this.#pending = new Int16Array(this.frameSamples);
    this.#fill = 0;
    return last;
  }

  clear(): void {
    this.#fill = 0;
  }
}
