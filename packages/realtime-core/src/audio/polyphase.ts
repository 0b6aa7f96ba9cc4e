import type { FilterSpec } from './kaiser-design.ts';

/**
 * One channel of streaming rational resampling. State is the last K−1 input samples and the
 * output position in the up-sampled domain, both exact, so any chunking gives the same output.
 */
export class PolyphaseChannel {
  readonly #spec: FilterSpec;
  readonly #folded: boolean;
  /** history (K−1 samples) followed by the current chunk. */
  #buf: Float32Array;
  /** Position of the next output in up-sampled units, relative to #buf[0]. */
  #pos: number;

  constructor(spec: FilterSpec) {
    this.#spec = spec;
    // A single phase of a linear-phase filter is symmetric: fold it to halve the multiplies.
    this.#folded = spec.up === 1;
    this.#buf = new Float32Array(spec.tapsPerPhase - 1 + 1024);
    this.#pos = (spec.tapsPerPhase - 1) * spec.up;
  }

  reset(): void {
    this.#buf.fill(0);
    this.#pos = (this.#spec.tapsPerPhase - 1) * this.#spec.up;
  }

  /** Bytes of this channel's buffer (history plus room for a chunk). */
  get stateBytes(): number {
    return this.#buf.byteLength;
  }

  /** Number of outputs the next `inputLength` samples will produce. */
  outputCount(inputLength: number): number {
    const { up, down, tapsPerPhase } = this.#spec;
    const limit = (tapsPerPhase - 1 + inputLength) * up;
    return this.#pos >= limit ? 0 : Math.ceil((limit - this.#pos) / down);
  }

  /**
   * Resamples `input` (one channel, float, int16 scale) into `out` at `out[offset + n·stride]`;
   * returns the number of samples written.
   */
  process(input: Float32Array, out: Float32Array, offset: number, stride: number): number {
    const { up, down, tapsPerPhase: k, coeffs } = this.#spec;
    const hist = k - 1;
    const needed = hist + input.length;
    if (this.#buf.length < needed) {
      const grown = new Float32Array(needed * 2);
      grown.set(this.#buf.subarray(0, hist));
      this.#buf = grown;
    }
    const buf = this.#buf;
    buf.set(input, hist);
    const limit = needed * up;
    let pos = this.#pos;
    let n = 0;
    let o = offset;
    if (this.#folded) {
      const half = k >> 1;
      while (pos < limit) {
        const start = pos - hist; // up === 1: position is the newest sample index
        let acc0 = 0;
        let acc1 = 0;
        let j = 0;
        for (; j + 1 < half; j += 2) {
          acc0 += coeffs[j]! * (buf[start + j]! + buf[start + k - 1 - j]!);
          acc1 += coeffs[j + 1]! * (buf[start + j + 1]! + buf[start + k - 2 - j]!);
        }
        for (; j < half; j++) acc0 += coeffs[j]! * (buf[start + j]! + buf[start + k - 1 - j]!);
        out[o] = acc0 + acc1;
        o += stride;
        n++;
        pos += down;
      }
    } else {
      while (pos < limit) {
        const idx = Math.floor(pos / up);
        const phase = pos - idx * up;
        const start = idx - hist;
        const c = phase * k;
        let acc0 = 0;
        let acc1 = 0;
        let j = 0;
        for (; j + 3 < k; j += 4) {
          acc0 += coeffs[c + j]! * buf[start + j]! + coeffs[c + j + 2]! * buf[start + j + 2]!;
          acc1 += coeffs[c + j + 1]! * buf[start + j + 1]! + coeffs[c + j + 3]! * buf[start + j + 3]!;
        }
        for (; j < k; j++) acc0 += coeffs[c + j]! * buf[start + j]!;
        out[o] = acc0 + acc1;
        o += stride;
        n++;
        pos += down;
      }
    }
    // Keep the last K−1 samples as history and move the origin with them.
    buf.copyWithin(0, needed - hist, needed);
    this.#pos = pos - input.length * up;
    return n;
  }
}
