import type { TurnLatency } from './types.ts';

/**
 * Times one turn through the pipeline: the speaker's audio ends (trailing silence sent), the
 * model commits it, its first reply audio arrives, and the first Opus packet goes to the player.
 */
export class TurnClock {
  #turn: { speaker: string; speechEndAt?: number; committedAt?: number; firstAudioAt?: number } | undefined;
  #recent: TurnLatency[] = [];
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The last ten completed turns, oldest first. */
  get recent(): TurnLatency[] {
    return [...this.#recent];
  }

  get speaker(): string | undefined {
    return this.#turn?.speaker;
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

  /** Closes the turn at its first played packet; returns its breakdown, if a turn was open. */
  firstPacket(): TurnLatency | undefined {
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
    this.#recent = [...this.#recent.slice(-9), l];
    this.#turn = undefined;
    return l;
  }
}
