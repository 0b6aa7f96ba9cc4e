/**
 * Holds microphone audio while it cannot be sent (connecting, reconnecting, or a provider
 * that rejects appends mid-response). Bounded: beyond `maxSamples` the oldest audio goes,
 * and the count is kept so nothing is lost silently.
 */
export class AudioOutbox {
  readonly #chunks: Int16Array[] = [];
  #samples = 0;
  #dropped = 0;
  readonly maxSamples: number;

  constructor(maxSamples: number) {
    this.maxSamples = maxSamples;
  }

  get samples(): number {
    return this.#samples;
  }

  /** Samples discarded because the bound was hit, since creation. */
  get droppedSamples(): number {
    return this.#dropped;
  }

  push(chunk: Int16Array): void {
    this.#chunks.push(chunk);
    this.#samples += chunk.length;
    while (this.#samples > this.maxSamples) {
      const head = this.#chunks[0]!;
      const excess = this.#samples - this.maxSamples;
      if (head.length <= excess) {
        this.#chunks.shift();
        this.#samples -= head.length;
        this.#dropped += head.length;
      } else {
        this.#chunks[0] = head.subarray(excess);
        this.#samples -= excess;
        this.#dropped += excess;
      }
    }
  }

  /** Removes and returns everything held, oldest first. */
  drain(): Int16Array[] {
    const out = this.#chunks.splice(0);
    this.#samples = 0;
    return out;
  }

  clear(): void {
    this.#chunks.length = 0;
    this.#samples = 0;
  }
}
