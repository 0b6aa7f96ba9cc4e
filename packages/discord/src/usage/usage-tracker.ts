import { type DailyUsage, type Store, UsageMeter, utcDay } from '@troupe/store';
import type { Logger } from 'pino';
import type { Text, Translator } from '../i18n/translate.ts';
import type { VoiceManagerPort } from '../voice-port.ts';
import { evaluateUsage, msUntilUtcReset, usedMinutes, WARN_FRACTION } from './usage-policy.ts';

/** Options for {@link UsageTracker}. */
export interface UsageTrackerOptions {
  store: Store;
  voice: VoiceManagerPort;
  logger: Logger;
  /** Posts a plain message in the guild (the session's voice-channel chat), in the server's language. */
  notify(guildId: string, channelId: string, render: (t: Translator) => string): Promise<unknown>;
  now?: () => number;
  /** How often metered usage is written to the store (default 5 s); also at every session end. */
  flushMs?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** Result of a cap check before joining. */
export type CapCheck = { allowed: true } | { allowed: false; text: Text };

/**
 * Counts the voice layer's usage deltas in memory (`UsageMeter`: no database call on the audio
 * path) and writes them to the store every few seconds, at every session end and at shutdown.
 * The guild's daily cap is enforced on the stored totals, which several hosts add to atomically:
 * an in-character spoken warning at 80 % (once per day across hosts), leaving at 100 %. Between
 * writes the last stored total plus what is pending is watched, so crossing a threshold writes at once.
 */
export class UsageTracker {
  readonly #o: UsageTrackerOptions;
  readonly #now: () => number;
  readonly #meter: UsageMeter;
  /** The stored total last seen per guild, today. */
  readonly #stored = new Map<string, { day: string; usage: DailyUsage }>();
  readonly #timer: unknown;
  #flushing: Promise<void> = Promise.resolve();

  constructor(o: UsageTrackerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#meter = new UsageMeter(o.store, this.#now);
    o.voice.on('usage', (u) => this.#metered(u.guildId, u.inputAudioMs, u.outputAudioMs));
    o.voice.on('sessionEnded', (e) => void this.flush(e.guildId));
    const every = o.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
    this.#timer = every(() => void this.flush(), o.flushMs ?? 5000);
  }

  /** Writes what is metered (one guild's, or everyone's) and applies the cap policy to the new totals. */
  flush(guildId?: string): Promise<void> {
    // One write at a time: a threshold is judged on totals that include every earlier delta.
    const run = this.#flushing.then(async () => {
      let totals: Map<string, DailyUsage>;
      try {
        totals = await this.#meter.flush(guildId);
      } catch (err) {
        // The deltas stay metered and are written with the next flush.
        this.#o.logger.error({ err, guildId }, 'usage accounting failed; will retry');
        return;
      }
      for (const [g, usage] of totals) {
        this.#stored.set(g, { day: utcDay(this.#now()), usage });
        await this.#apply(g, usage).catch((err: unknown) =>
          this.#o.logger.error({ err, guildId: g }, 'usage cap check failed'),
        );
      }
    });
    this.#flushing = run;
    return run;
  }

  /** Stops the periodic write and writes what is left (shutdown). */
  async close(): Promise<void> {
    (this.#o.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout)))(this.#timer);
    await this.flush();
  }

  /** Adds a usage delta now (the voice layer's event; also tests). Writes at once near a threshold. */
  #metered(guildId: string, inputAudioMs: number, outputAudioMs: number): void {
    this.#meter.add(guildId, inputAudioMs, outputAudioMs);
    const cap = this.#o.store.cachedSettings(guildId)?.dailyCapMinutes;
    if (!cap) return;
    const known = this.#stored.get(guildId);
    const stored = known?.day === utcDay(this.#now()) ? known.usage : undefined;
    const used = usedMinutes(this.#withPending(guildId, stored));
    // Unknown stored total (first delta of the day here) or past the next threshold: write and judge now.
    const threshold = stored?.warned ? cap : cap * WARN_FRACTION;
    if (!stored || used >= threshold) void this.flush(guildId);
  }

  #withPending(guildId: string, stored: DailyUsage | undefined): DailyUsage {
    const p = this.#meter.pending(guildId);
    return {
      inputAudioMs: (stored?.inputAudioMs ?? 0) + p.inputAudioMs,
      outputAudioMs: (stored?.outputAudioMs ?? 0) + p.outputAudioMs,
      warned: stored?.warned ?? false,
    };
  }

  async #apply(guildId: string, total: DailyUsage): Promise<void> {
    const { store, voice, logger } = this.#o;
    const cap = (await store.getSettings(guildId)).dailyCapMinutes;
    const verdict = evaluateUsage(usedMinutes(total), cap, total.warned);
    if (verdict === 'ok') return;
    const session = voice.get(guildId);
    if (verdict === 'warn') {
      // Once per guild and day, whichever host gets there first.
      if (!(await store.markWarned(guildId, utcDay(this.#now())))) return;
      logger.warn({ guildId, usedMinutes: usedMinutes(total), cap }, 'usage warning (80 % of daily cap)');
      session?.announce(
        'Tell everyone, briefly and in character, that your time together today is almost up: only a few minutes remain.',
      );
      return;
    }
    if (!session) return;
    logger.warn({ guildId, usedMinutes: usedMinutes(total), cap }, 'daily cap reached: leaving');
    const channelId = session.channelId;
    await voice.leave(guildId, 'cap');
    const resetMs = msUntilUtcReset(this.#now());
    await this.#o.notify(guildId, channelId, (t) =>
      t.t('usage.capLeft', { cap: cap ?? 0, persona: session.persona.name, resetIn: t.duration(resetMs) }),
    );
  }

  /** Whether `/join` may start a session now; the refusal says when the cap resets. */
  async checkJoin(guildId: string): Promise<CapCheck> {
    const cap = (await this.#o.store.getSettings(guildId)).dailyCapMinutes;
    if (!cap) return { allowed: true };
    const used = usedMinutes(await this.#today(guildId));
    if (used < cap) return { allowed: true };
    const resetMs = msUntilUtcReset(this.#now());
    return {
      allowed: false,
      text: { key: 'usage.capRefusal', params: { cap, resetIn: { duration: resetMs } } },
    };
  }

  /** Today's usage for a guild, in minutes, and the cap. */
  async today(guildId: string): Promise<{ usedMinutes: number; capMinutes: number | null }> {
    const [usage, settings] = await Promise.all([this.#today(guildId), this.#o.store.getSettings(guildId)]);
    return { usedMinutes: usedMinutes(usage), capMinutes: settings.dailyCapMinutes };
  }

  /** Stored today (every host's writes) plus what this host metered and has not written yet. */
  async #today(guildId: string): Promise<DailyUsage> {
    return this.#withPending(guildId, await this.#o.store.getUsage(guildId, utcDay(this.#now())));
  }
}
