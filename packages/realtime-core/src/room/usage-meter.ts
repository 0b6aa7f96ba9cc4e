// Usage as it happens: speaker audio counted when it is sent to the model, reply audio when its
// frames are played. `take()` returns what has not been reported yet, so the owner can report
// periodically and on every end, and a reply that never completes is still counted.
import type { UsageDelta } from './ports.ts';

export class UsageMeter {
  #inputMs = 0;
  #outputMs = 0;
  #reported: UsageDelta = { inputAudioMs: 0, outputAudioMs: 0 };

  get total(): UsageDelta {
    return { inputAudioMs: this.#inputMs, outputAudioMs: this.#outputMs };
  }

  addInput(ms: number): void {
    this.#inputMs += ms;
  }

  /** The running total of reply audio played (it only grows). */
  setOutput(totalMs: number): void {
    this.#outputMs = Math.max(this.#outputMs, totalMs);
  }

  /** Usage since the last take, or undefined if there is none. */
  take(): UsageDelta | undefined {
    const delta = {
      inputAudioMs: this.#inputMs - this.#reported.inputAudioMs,
      outputAudioMs: this.#outputMs - this.#reported.outputAudioMs,
    };
    if (delta.inputAudioMs <= 0 && delta.outputAudioMs <= 0) return undefined;
    this.#reported = this.total;
    return delta;
  }
}
