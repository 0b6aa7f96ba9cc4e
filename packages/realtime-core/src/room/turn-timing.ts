// When the floor moves without anyone's frame to trigger it: a waiting speaker gets the floor once
// the holder has been silent past the hangover, and an open turn closes once its speaker has been
// silent for the turn-end silence. Both run on the room's clock, re-checked when they fire.
import type { Clock } from '../session/clock.ts';
import { FloorTimer } from './floor-timer.ts';
import type { RoomState, RoomTuning } from './room-options.ts';

export interface TurnTimingDeps {
  clock: Clock;
  tuning: RoomTuning;
  /** The room's state now (read afresh at each check). */
  state(): RoomState;
  /** Someone has audio held, waiting for the floor. */
  someoneWaiting(): boolean;
  /** Closes the open turn and hands the floor on. */
  passFloor(): void;
}

export class TurnTiming {
  readonly #d: TurnTimingDeps;
  readonly #floorCheck: FloorTimer;
  readonly #turnEnd: FloorTimer;

  constructor(d: TurnTimingDeps) {
    this.#d = d;
    this.#floorCheck = new FloorTimer(d.clock);
    this.#turnEnd = new FloorTimer(d.clock);
  }

  /** While someone waits, checks the floor when the holder's hangover runs out, even if no frame comes. */
  armFloorCheck(): void {
    const st = this.#d.state();
    if (st.status !== 'turn') return;
    const hangover = this.#d.tuning.hangoverMs;
    this.#floorCheck.arm(st.speaker.lastSpeechAt + hangover + 1, () => {
      const now = this.#d.state();
      if (now.status !== 'turn' || !this.#d.someoneWaiting()) return;
      if (this.#d.clock.now() - now.speaker.lastSpeechAt > hangover) this.#d.passFloor();
      if (this.#d.someoneWaiting()) this.armFloorCheck();
    });
  }

  /** Closes the open turn once its speaker has been silent for the turn-end silence. */
  armTurnEnd(): void {
    const st = this.#d.state();
    if (st.status !== 'turn') return;
    const silence = this.#d.tuning.trailingSilenceMs;
    this.#turnEnd.arm(st.speaker.lastSpeechAt + silence, () => {
      const now = this.#d.state();
      if (now.status !== 'turn') return;
      if (this.#d.clock.now() - now.speaker.lastSpeechAt >= silence) this.#d.passFloor();
      else this.armTurnEnd();
    });
  }

  turnClosed(): void {
    this.#turnEnd.cancel();
  }

  close(): void {
    this.#floorCheck.cancel();
    this.#turnEnd.cancel();
  }
}
