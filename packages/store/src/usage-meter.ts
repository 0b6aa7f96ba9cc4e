// Counts audio as it is sent and heard, in memory (no I/O on the audio path), and writes the
// deltas to the store when flushed. A failed flush puts its deltas back, so nothing is lost; each
// delta is counted on the UTC day it was metered.
import type { DailyUsage, Store } from './types.ts';
import { requireId, requireMs, utcDay } from './validate.ts';

interface Pending {
  guildId: string;
  day: string;
  inputAudioMs: number;
  outputAudioMs: number;
}

export class UsageMeter {
  readonly #store: Pick<Store, 'addUsage'>;
  readonly #now: () => number;
  readonly #pending = new Map<string, Pending>();

  constructor(store: Pick<Store, 'addUsage'>, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** Adds audio heard (input) or played (output) for a guild, now. */
  add(guildId: string, inputAudioMs: number, outputAudioMs: number): void {
    this.#merge({
      guildId: requireId('guildId', guildId),
      day: utcDay(this.#now()),
      // Fractions are kept until the write (20 ms frames of resampled audio need not be whole ms).
      inputAudioMs: requireMs('inputAudioMs', inputAudioMs, { round: false }),
      outputAudioMs: requireMs('outputAudioMs', outputAudioMs, { round: false }),
    });
  }

  /** What was metered for the guild today and not written yet (add it to the stored total for a cap check). */
  pending(guildId: string): { inputAudioMs: number; outputAudioMs: number } {
    const p = this.#pending.get(`${guildId}\u0000${utcDay(this.#now())}`);
    return { inputAudioMs: p?.inputAudioMs ?? 0, outputAudioMs: p?.outputAudioMs ?? 0 };
  }

  /**
   * Writes what is pending (one guild's, or everyone's) and returns the new stored totals of
   * today's entries by guild. Throws the first error after putting every failed delta back.
   */
  async flush(guildId?: string): Promise<Map<string, DailyUsage>> {
    const batch = [...this.#pending.entries()].filter(
      ([, p]) => guildId === undefined || p.guildId === guildId,
    );
    for (const [key] of batch) this.#pending.delete(key);
    const today = utcDay(this.#now());
    const totals = new Map<string, DailyUsage>();
    const results = await Promise.allSettled(
      batch.map(async ([, p]) => {
        const total = await this.#store.addUsage(p.guildId, p.day, p.inputAudioMs, p.outputAudioMs);
        if (p.day === today) totals.set(p.guildId, total);
      }),
    );
    let firstError: unknown;
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      firstError ??= r.reason;
      const entry = batch[i];
      if (entry) this.#merge(entry[1]);
    }
    if (firstError !== undefined) throw firstError;
    return totals;
  }

  #merge(p: Pending): void {
    if (p.inputAudioMs === 0 && p.outputAudioMs === 0) return;
    const key = `${p.guildId}\u0000${p.day}`;
    const existing = this.#pending.get(key);
    if (existing) {
      existing.inputAudioMs += p.inputAudioMs;
      existing.outputAudioMs += p.outputAudioMs;
    } else {
      this.#pending.set(key, { ...p });
    }
  }
}
