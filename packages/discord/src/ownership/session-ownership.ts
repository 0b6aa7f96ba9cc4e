// Which host runs a guild's voice session is decided in the database, not by configuration: a
// join first claims the guild's lease (`claimVoiceSession`), and the session runs only while
// `LeaseKeeper` keeps it. Two hosts that both think they own a guild (the same SHARD_IDS on two
// hosts, a host still running an old SHARD_COUNT after a re-shard) can therefore never run it at
// once: the second claim is refused, and a host whose lease is lost stops its session there.
//
// Per guild, the lease is held from the first claim until no join is in flight and no session is
// live; racing joins on this host share one claim (the voice layer then serialises them).
import type { Clock } from '@troupe/realtime-core';
import { LeaseKeeper, type LeaseLoss, type Store, type VoiceSessionLease } from '@troupe/store';
import type { Logger } from 'pino';

/** Another host holds the guild's voice session. */
export interface ClaimRefused {
  ok: false;
  holderHostId: string;
  /** Where the holder says its session is. */
  channelId: string;
  /** When its lease runs out unless renewed. */
  retryAfterMs: number;
}

/** The guild is this host's: call `settled()` once the join it was claimed for is over (either way). */
export interface ClaimHeld {
  ok: true;
  /** Another join on this host claimed the guild first and this one shares its claim. */
  shared: boolean;
  settled(): void;
}

export interface SessionOwnershipOptions {
  store: Pick<
    Store,
    'claimVoiceSession' | 'renewVoiceSession' | 'releaseVoiceSession' | 'updateVoiceSession'
  >;
  hostId: string;
  ttlMs: number;
  clock: Clock;
  logger: Logger;
  /** Whether this host has a live voice session in the guild (the voice layer's view). */
  hasSession(guildId: string): boolean;
  /** The lease was lost: the session must stop now. */
  onLost(guildId: string, reason: LeaseLoss): void;
}

type Claim = { ok: true; keeper: LeaseKeeper } | ClaimRefused;

interface GuildLease {
  claim: Promise<Claim>;
  /** Set once the claim succeeded. */
  keeper?: LeaseKeeper;
  /** Joins using this claim that have not settled yet. */
  joins: number;
}

export class SessionOwnership {
  readonly #o: SessionOwnershipOptions;
  readonly #guilds = new Map<string, GuildLease>();
  /** Releases still being written, per guild: a new claim waits for them. */
  readonly #releasing = new Map<string, Promise<unknown>>();

  constructor(options: SessionOwnershipOptions) {
    this.#o = options;
  }

  get hostId(): string {
    return this.#o.hostId;
  }

  /** The lease this host holds for the guild, if any. */
  lease(guildId: string): VoiceSessionLease | null {
    return this.#keeperOf(guildId)?.lease ?? null;
  }

  /**
   * Claims the guild for a join into `channelId` with `personaId` (recorded for a restore). Throws
   * when the database cannot be reached; nothing is held then.
   */
  async claim(guildId: string, channelId: string, personaId: string): Promise<ClaimHeld | ClaimRefused> {
    let entry = this.#guilds.get(guildId);
    const shared = entry !== undefined;
    if (!entry) {
      // The claim fills in the entry's keeper, so the entry exists before the claim is sent.
      const fresh = { joins: 0 } as GuildLease;
      fresh.claim = this.#claim(fresh, guildId, channelId, personaId);
      this.#guilds.set(guildId, fresh);
      entry = fresh;
    }
    entry.joins++;
    const own = entry;
    let claim: Claim;
    try {
      claim = await own.claim;
    } catch (err) {
      own.joins--;
      if (this.#guilds.get(guildId) === own) this.#guilds.delete(guildId);
      throw err;
    }
    if (!claim.ok) {
      own.joins--;
      if (this.#guilds.get(guildId) === own && own.joins === 0) this.#guilds.delete(guildId);
      return claim;
    }
    let done = false;
    return {
      ok: true,
      shared,
      settled: () => {
        if (done) return;
        done = true;
        own.joins--;
        this.#releaseIfIdle(guildId);
      },
    };
  }

  /**
   * A claim after a restart: a lease still held under this host's own id is this host's previous
   * run (it crashed without releasing it), so wait for it to run out — at most one ttl, and only
   * while nobody renews it — then claim. Another host's lease is a refusal at once.
   */
  async claimAfterRestart(
    guildId: string,
    channelId: string,
    personaId: string,
  ): Promise<ClaimHeld | ClaimRefused> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.claim(guildId, channelId, personaId);
      if (result.ok || result.holderHostId !== this.#o.hostId || attempt >= 2) return result;
      if (attempt === 0)
        this.#o.logger.info(
          { guildId, retryAfterMs: result.retryAfterMs },
          "waiting for this host's lease from before the restart to run out",
        );
      const waitMs = Math.min(result.retryAfterMs, this.#o.ttlMs) + 50;
      await new Promise<void>((resolve) => this.#o.clock.setTimeout(resolve, waitMs));
    }
  }

  async #claim(entry: GuildLease, guildId: string, channelId: string, personaId: string): Promise<Claim> {
    await this.#releasing.get(guildId);
    const { store, hostId, ttlMs, clock } = this.#o;
    const sentAt = clock.now();
    const result = await store.claimVoiceSession({ guildId, hostId, channelId, personaId, ttlMs });
    if (!result.ok) return result;
    const keeper = new LeaseKeeper({
      store,
      lease: result.lease,
      claimSentAt: sentAt,
      clock,
      onLost: (reason, err) => this.#lost(guildId, keeper, reason, err),
    });
    entry.keeper = keeper;
    return { ok: true, keeper };
  }

  /** The session ended: give the guild up unless a join is about to start another one. */
  sessionEnded(guildId: string): void {
    this.#releaseIfIdle(guildId);
  }

  /** Records a move or a persona switch under the lease (what a restore rejoins). */
  async record(guildId: string, change: { channelId?: string; personaId?: string }): Promise<void> {
    const lease = this.lease(guildId);
    if (!lease) return;
    try {
      if (!(await this.#o.store.updateVoiceSession(lease, change)))
        this.#o.logger.warn({ guildId, ...change }, 'voice session record not updated: the lease was lost');
    } catch (err) {
      this.#o.logger.warn({ err, guildId }, 'could not record the voice session change');
    }
  }

  /** Releases every lease still held (after the voice layer ended every session) and waits for the writes. */
  async close(): Promise<void> {
    for (const guildId of [...this.#guilds.keys()]) this.#release(guildId);
    await Promise.all(this.#releasing.values());
  }

  #keeperOf(guildId: string): LeaseKeeper | undefined {
    return this.#guilds.get(guildId)?.keeper;
  }

  #releaseIfIdle(guildId: string): void {
    const entry = this.#guilds.get(guildId);
    if (!entry || entry.joins > 0 || this.#o.hasSession(guildId)) return;
    this.#release(guildId);
  }

  #release(guildId: string): void {
    const entry = this.#guilds.get(guildId);
    if (!entry) return;
    this.#guilds.delete(guildId);
    const release = entry.claim
      .then((c) => (c.ok ? c.keeper.release() : false))
      .catch((err: unknown) =>
        // The record stays until the lease runs out; then any host may claim the guild.
        this.#o.logger.warn({ err, guildId }, 'could not release the voice session lease'),
      )
      .finally(() => {
        if (this.#releasing.get(guildId) === release) this.#releasing.delete(guildId);
      });
    this.#releasing.set(guildId, release);
  }

  #lost(guildId: string, keeper: LeaseKeeper, reason: LeaseLoss, err: unknown): void {
    if (this.#guilds.get(guildId)?.keeper === keeper) this.#guilds.delete(guildId);
    this.#o.logger.error(
      { guildId, reason, err },
      reason === 'taken'
        ? 'voice session lease taken by another host: stopping the session here (check that no two hosts run the same shards: SHARD_IDS/SHARD_COUNT)'
        : 'voice session lease could not be renewed in time (database unreachable?): stopping the session here',
    );
    this.#o.onLost(guildId, reason);
  }
}
