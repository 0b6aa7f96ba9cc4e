// The in-memory side of a store: settings per guild (bounded) and every opt-out, so the per-packet
// path never waits on the database. Every write, local or announced by another host, goes through
// `apply`, the one place the cached state changes.
import type { GuildSettings, StoreChange } from './types.ts';

/** Where a store reports trouble it handled itself (a lost notification connection, a throwing listener). */
export type StoreLog = (level: 'warn' | 'error', message: string, err?: unknown) => void;

type OptOutChange = Extract<StoreChange, { kind: 'optout' }>;

const key = (guildId: string, userId: string) => `${guildId}\u0000${userId}`;

export class StateCache {
  readonly #settings = new Map<string, GuildSettings>();
  readonly #optOuts = new Set<string>();
  readonly #listeners = new Set<(change: StoreChange) => void>();
  /** Opt-out changes seen while a reload is reading; replayed over its snapshot. */
  readonly #journals = new Set<OptOutChange[]>();
  readonly #maxSettings: number;
  readonly #log: StoreLog;
  /** Bumped by every settings invalidation; a load that started before one must not be cached. */
  #generation = 0;

  constructor(maxSettings: number, log: StoreLog) {
    this.#maxSettings = maxSettings;
    this.#log = log;
  }

  settings(guildId: string): GuildSettings | undefined {
    const hit = this.#settings.get(guildId);
    if (hit) {
      // Re-insert so the Map's order is least recently used first.
      this.#settings.delete(guildId);
      this.#settings.set(guildId, hit);
    }
    return hit;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Caches settings read or written at `generation`, unless an invalidation came in between. */
  storeSettings(settings: GuildSettings, generation: number): void {
    if (generation !== this.#generation) return;
    this.#settings.delete(settings.guildId);
    this.#settings.set(settings.guildId, settings);
    while (this.#settings.size > this.#maxSettings) {
      const oldest = this.#settings.keys().next().value;
      if (oldest === undefined) break;
      this.#settings.delete(oldest);
    }
  }

  isOptedOut(guildId: string, userId: string): boolean {
    return this.#optOuts.has(key(guildId, userId));
  }

  /**
   * Replaces every opt-out with what `load` reads (at start, and after notifications may have been
   * missed). Changes applied while the read is in flight are replayed on top, in order, so a
   * snapshot taken just before an opt-out cannot undo it.
   */
  async reloadOptOuts(load: () => Promise<readonly { guild_id: string; user_id: string }[]>): Promise<void> {
    const journal: OptOutChange[] = [];
    this.#journals.add(journal);
    try {
      const rows = await load();
      this.#optOuts.clear();
      for (const r of rows) this.#optOuts.add(key(r.guild_id, r.user_id));
      for (const c of journal) this.#applyOptOut(c);
    } finally {
      this.#journals.delete(journal);
    }
  }

  #applyOptOut(c: OptOutChange): void {
    if (c.optedOut) this.#optOuts.add(key(c.guildId, c.userId));
    else this.#optOuts.delete(key(c.guildId, c.userId));
  }

  /** Forgets every cached setting, and any load in flight. */
  dropSettings(): void {
    this.#generation++;
    this.#settings.clear();
  }

  /**
   * Applies a change. `fresh` is the value a local write returned, read at `freshGeneration`: it is
   * cached (before listeners run) only if no invalidation came in while the write was in flight,
   * since that one may be a later write by another host.
   */
  apply(change: StoreChange, fresh?: { settings: GuildSettings; generation: number }): void {
    switch (change.kind) {
      case 'settings': {
        const unchanged = fresh !== undefined && fresh.generation === this.#generation;
        this.#generation++;
        this.#settings.delete(change.guildId);
        if (fresh && unchanged) this.storeSettings(fresh.settings, this.#generation);
        break;
      }
      case 'optout':
        this.#applyOptOut(change);
        for (const journal of this.#journals) journal.push(change);
        break;
      case 'resync':
        this.dropSettings();
        break;
    }
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (err) {
        this.#log('error', 'a store change listener threw', err);
      }
    }
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
