/**
 * Who holds the floor in a shared model session. The model hears one labelled speaker at a
 * time: the first speaker takes the floor and keeps it until silent for `hangoverMs`; others
 * are held (bounded) and passed on in arrival order. Pure: times are passed in.
 */
export interface FloorSettings {
  /** Silence after which the holder loses the floor. */
  hangoverMs: number;
  /** Most audio held per waiting speaker; older audio beyond it is dropped and counted. */
  maxHeldMs: number;
  /** Speech needed before a human interrupts the persona (the echo guard). */
  bargeInMinSpeechMs: number;
}

export const DEFAULT_FLOOR: FloorSettings = { hangoverMs: 700, maxHeldMs: 4000, bargeInMinSpeechMs: 300 };

export type FloorDecision =
  /** Send now; `newTurn` means label the speaker first. */
  | { action: 'forward'; newTurn: boolean }
  /** Someone else holds the floor: keep it for later. */
  | { action: 'hold' };

interface Speaker {
  lastPacketAt: number;
  /** Speech in the current burst, for the barge-in echo guard. */
  burstMs: number;
  held: { at: number; ms: number }[];
}

export class FloorPolicy {
  readonly settings: FloorSettings;
  #holder: string | undefined;
  #holderSince = 0;
  readonly #speakers = new Map<string, Speaker>();
  #droppedMs = 0;

  constructor(settings: Partial<FloorSettings> = {}) {
    this.settings = { ...DEFAULT_FLOOR, ...settings };
  }

  get holder(): string | undefined {
    return this.#holder;
  }

  get droppedMs(): number {
    return this.#droppedMs;
  }

  /** A 20 ms (or `ms`) packet of speech from `userId` arrived at `now`. */
  onSpeech(userId: string, now: number, ms = 20): FloorDecision {
    const s = this.#speaker(userId);
    if (now - s.lastPacketAt > this.settings.hangoverMs) s.burstMs = 0;
    s.lastPacketAt = now;
    s.burstMs += ms;
    this.#expire(now);
    if (this.#holder === undefined) {
      this.#holder = userId;
      this.#holderSince = now;
      return { action: 'forward', newTurn: true };
    }
    if (this.#holder === userId) return { action: 'forward', newTurn: false };
    s.held.push({ at: now, ms });
    let heldMs = s.held.reduce((n, h) => n + h.ms, 0);
    while (heldMs > this.settings.maxHeldMs) {
      const dropped = s.held.shift()!;
      heldMs -= dropped.ms;
      this.#droppedMs += dropped.ms;
    }
    return { action: 'hold' };
  }

  /** The holder stopped (Discord sent no more packets); pass the floor on. Returns the next holder, if any. */
  release(userId: string, now: number): string | undefined {
    if (this.#holder !== userId) return undefined;
    this.#holder = undefined;
    return this.#next(now);
  }

  /** True when `userId`'s current burst is long enough to count as an interruption, not echo or a cough. */
  isBargeIn(userId: string): boolean {
    return (this.#speakers.get(userId)?.burstMs ?? 0) >= this.settings.bargeInMinSpeechMs;
  }

  /** Milliseconds of audio held for `userId` (to be sent when they get the floor). */
  heldMs(userId: string): number {
    return this.#speakers.get(userId)?.held.reduce((n, h) => n + h.ms, 0) ?? 0;
  }

  /** Forgets `userId`'s held audio record (after the caller flushed it). */
  takeHeld(userId: string): number {
    const s = this.#speakers.get(userId);
    const ms = s?.held.reduce((n, h) => n + h.ms, 0) ?? 0;
    if (s) s.held = [];
    return ms;
  }

  forget(userId: string): void {
    this.#speakers.delete(userId);
    if (this.#holder === userId) this.#holder = undefined;
  }

  #speaker(userId: string): Speaker {
    let s = this.#speakers.get(userId);
    if (!s) {
      s = { lastPacketAt: Number.NEGATIVE_INFINITY, burstMs: 0, held: [] };
      this.#speakers.set(userId, s);
    }
    return s;
  }

  #expire(now: number): void {
    if (this.#holder === undefined) return;
    const h = this.#speakers.get(this.#holder);
    if (h && now - h.lastPacketAt > this.settings.hangoverMs) {
      this.#holder = undefined;
      this.#next(now);
    }
  }

  #next(now: number): string | undefined {
    let next: string | undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [id, s] of this.#speakers) {
      const first = s.held[0];
      if (first && first.at < earliest) {
        earliest = first.at;
        next = id;
      }
    }
    if (next !== undefined) {
      this.#holder = next;
      this.#holderSince = now;
    }
    return next;
  }

  /** How long the current holder has held the floor. */
  holdingMs(now: number): number {
    return this.#holder === undefined ? 0 : now - this.#holderSince;
  }
}

/** `[Display Name]`, with brackets and control characters removed from the name. */
export function speakerLabel(displayName: string): string {
  const clean = displayName
    .replace(/[[\]\p{Cc}]/gu, '')
    .trim()
    .slice(0, 40);
  return `[${clean || 'someone'}]`;
}
