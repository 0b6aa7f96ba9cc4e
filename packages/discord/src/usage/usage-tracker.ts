import type { Logger } from 'pino';
import { type Store, utcDay } from '../store/store.ts';
import type { VoiceManagerPort } from '../voice-port.ts';
import { evaluateUsage, formatDuration, msUntilUtcReset, usedMinutes } from './usage-policy.ts';

/** Options for {@link UsageTracker}. */
export interface UsageTrackerOptions {
  store: Store;
  voice: VoiceManagerPort;
  logger: Logger;
  /** Posts a plain message in the guild (the session's voice-channel chat). */
  notify(guildId: string, channelId: string, text: string): Promise<void>;
  now?: () => number;
}

/** Result of a cap check before joining. */
export type CapCheck = { allowed: true } | { allowed: false; message: string };

/**
 * Accumulates ChannelManager `usage` deltas per guild per UTC day in SQLite and enforces the
 * guild's daily cap: an in-character spoken warning at 80 %, leaving with reason 'cap' at 100 %.
 */
export class UsageTracker {
  readonly #o: UsageTrackerOptions;
  readonly #now: () => number;

  constructor(o: UsageTrackerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    o.voice.on('usage', (u) => {
      this.record(u.guildId, u.inputAudioMs, u.outputAudioMs).catch((err: unknown) =>
        o.logger.error({ err, guildId: u.guildId }, 'usage accounting failed'),
      );
    });
  }

  /** Adds a usage delta and applies the cap policy. */
  async record(guildId: string, inputAudioMs: number, outputAudioMs: number): Promise<void> {
    const { store, voice, logger } = this.#o;
    const day = utcDay(this.#now());
    const total = store.addUsage(guildId, day, inputAudioMs, outputAudioMs);
    const cap = store.getSettings(guildId).dailyCapMinutes;
    const verdict = evaluateUsage(usedMinutes(total), cap, total.warned);
    if (verdict === 'ok') return;
    const session = voice.get(guildId);
    if (verdict === 'warn') {
      store.markWarned(guildId, day);
      logger.info({ guildId, usedMinutes: usedMinutes(total), cap }, 'usage warning (80 % of daily cap)');
      session?.announce(
        'Tell everyone, briefly and in character, that your time together today is almost up: only a few minutes remain.',
      );
      return;
    }
    if (!session) return;
    logger.info({ guildId, usedMinutes: usedMinutes(total), cap }, 'daily cap reached: leaving');
    const channelId = session.channelId;
    await voice.leave(guildId, 'cap');
    await this.#o.notify(
      guildId,
      channelId,
      `⏹️ This server's daily voice limit (${cap} min) is used up, so ${session.persona.name} left. ` +
        `It resets at 00:00 UTC (in ${formatDuration(msUntilUtcReset(this.#now()))}). ` +
        'An admin can raise it with `/settings cap`.',
    );
  }

  /** Whether `/join` may start a session now; the refusal says when the cap resets. */
  checkJoin(guildId: string): CapCheck {
    const cap = this.#o.store.getSettings(guildId).dailyCapMinutes;
    if (!cap) return { allowed: true };
    const used = usedMinutes(this.#o.store.getUsage(guildId, utcDay(this.#now())));
    if (used < cap) return { allowed: true };
    return {
      allowed: false,
      message:
        `Today's voice limit for this server (${cap} min) is used up. It resets at 00:00 UTC ` +
        `(in ${formatDuration(msUntilUtcReset(this.#now()))}); an admin can raise it with \`/settings cap\`.`,
    };
  }

  /** Today's usage for a guild, in minutes, and the cap. */
  today(guildId: string): { usedMinutes: number; capMinutes: number | null } {
    return {
      usedMinutes: usedMinutes(this.#o.store.getUsage(guildId, utcDay(this.#now()))),
      capMinutes: this.#o.store.getSettings(guildId).dailyCapMinutes,
    };
  }
}
