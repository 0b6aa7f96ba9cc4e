// One pending check of the floor on the room's clock: armed once, it runs at its due time; arming
// again while armed keeps the earlier check (which re-arms itself if it is too early).
import type { Clock } from '../session/clock.ts';

export class FloorTimer {
  readonly #clock: Clock;
  #handle: unknown;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  arm(dueAt: number, check: () => void): void {
    if (this.#handle !== undefined) return;
    this.#handle = this.#clock.setTimeout(
      () => {
        this.#handle = undefined;
        check();
      },
      Math.max(0, dueAt - this.#clock.now()),
    );
  }

  cancel(): void {
    if (this.#handle === undefined) return;
    this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}
