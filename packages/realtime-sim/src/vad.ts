// Energy-based server VAD, driven by sample counts only (no clock), so a test controls time
// by how much audio it appends.

export interface VadSettings {
  /** 0..1; mapped onto an RMS level between −60 and −20 dBFS. OpenAI's default is 0.5. */
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

export const DEFAULT_VAD: VadSettings = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 };

export type VadEvent =
  | { type: 'speech_started'; audioStartMs: number }
  | { type: 'speech_stopped'; audioEndMs: number; startSample: number; endSample: number };

const WINDOW_MS = 10;

/** Tracks speech in a stream of PCM16 at `rate`; positions are in samples since the stream began. */
export class EnergyVad {
  readonly #rate: number;
  #settings: VadSettings;
  #pos = 0;
  #windowFill = 0;
  #windowEnergy = 0;
  #speaking = false;
  #speechStart = 0;
  #lastVoiced = 0;

  constructor(rate: number, settings: VadSettings = DEFAULT_VAD) {
    this.#rate = rate;
    this.#settings = settings;
  }

  set settings(s: VadSettings) {
    this.#settings = s;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Samples seen so far. */
  get position(): number {
    return this.#pos;
  }

  #levelThreshold(): number {
    const db = -60 + 40 * Math.min(1, Math.max(0, this.#settings.threshold));
    return 32768 * 10 ** (db / 20);
  }

  push(pcm: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    const windowSamples = (this.#rate * WINDOW_MS) / 1000;
    const level = this.#levelThreshold();
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i]!;
      this.#windowEnergy += v * v;
      this.#windowFill++;
      this.#pos++;
      if (this.#windowFill < windowSamples) continue;
      const voiced = Math.sqrt(this.#windowEnergy / windowSamples) > level;
      this.#windowEnergy = 0;
      this.#windowFill = 0;
      if (voiced) {
        this.#lastVoiced = this.#pos;
        if (!this.#speaking) {
          this.#speaking = true;
          const padding = (this.#settings.prefixPaddingMs * this.#rate) / 1000;
          this.#speechStart = Math.max(0, this.#pos - windowSamples - padding);
          events.push({ type: 'speech_started', audioStartMs: this.#ms(this.#speechStart) });
        }
      } else if (
        this.#speaking &&
        this.#pos - this.#lastVoiced >= (this.#settings.silenceDurationMs * this.#rate) / 1000
      ) {
        this.#speaking = false;
        events.push({
          type: 'speech_stopped',
          audioEndMs: this.#ms(this.#pos),
          startSample: this.#speechStart,
          endSample: this.#pos,
        });
      }
    }
    return events;
  }

  reset(): void {
    this.#speaking = false;
    this.#windowEnergy = 0;
    this.#windowFill = 0;
  }

  #ms(samples: number): number {
    return Math.round((samples * 1000) / this.#rate);
  }
}
