// Times one turn through the pipeline on the room's clock: the speaker's turn closes (trailing
// silence sent), the model commits it, the reply's first audio arrives, its first frame is played.
import type { TurnLatency } from './ports.ts';

const RECENT_TURNS = 10;

export class TurnLatencyClock {
  #turn: { speaker: string; speechEndAt?: number; committedAt?: number; firstAudioAt?: number } | undefined;
  #recent: TurnLatency[] = [];
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The last ten measured turns, oldest first. */
  get recent(): TurnLatency[] {
    return [...this.#recent];
  }

  begin(speaker: string): void {
    this.#turn = { speaker };
  }

  speechEnded(): void {
    if (this.#turn) this.#turn.speechEndAt = this.#now();
  }

  committed(): void {
    if (this.#turn) this.#turn.committedAt = this.#now();
  }

  firstAudio(): void {
    if (this.#turn && this.#turn.firstAudioAt === undefined) this.#turn.firstAudioAt = this.#now();
  }

  /** Closes the turn at its reply's first played frame; returns its breakdown, if a turn was open. */
  firstFrame(): TurnLatency | undefined {
    const t = this.#turn;
    if (!t) return undefined;
    const now = this.#now();
    const l: TurnLatency = { speaker: t.speaker };
    if (t.speechEndAt !== undefined && t.committedAt !== undefined)
      l.speechEndToCommitMs = Math.round(t.committedAt - t.speechEndAt);
    if (t.committedAt !== undefined && t.firstAudioAt !== undefined)
      l.commitToFirstAudioMs = Math.round(t.firstAudioAt - t.committedAt);
    if (t.firstAudioAt !== undefined) l.firstAudioToFirstPacketMs = Math.round(now - t.firstAudioAt);
    if (t.speechEndAt !== undefined) l.totalMs = Math.round(now - t.speechEndAt);
    this.#recent = [...this.#recent.slice(1 - RECENT_TURNS), l];
    this.#turn = undefined;
    return l;
  }
}
