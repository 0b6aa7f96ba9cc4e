import type { Persona } from '@troupe/realtime-core';

/** Per-guild settings; null fields fall back to the bot's defaults. */
export interface GuildSettings {
  guildId: string;
  defaultPersona: string | null;
  transcriptsEnabled: boolean;
  transcriptsChannelId: string | null;
  dailyCapMinutes: number | null;
  personaSwitchRoleId: string | null;
  /** Silence that ends a member's turn (ms). */
  vadSilenceMs: number | null;
  /** Audio kept from before speech was detected (ms). */
  vadPrefixPaddingMs: number | null;
  /** Energy above which a frame counts as speech (0..1 of full scale). */
  vadEnergyThreshold: number | null;
  /** How long scene lines are kept (days); 0 keeps none. */
  sceneRetentionDays: number | null;
}

export type SettingsPatch = Partial<Omit<GuildSettings, 'guildId'>>;

/** Audio usage for one guild on one UTC day. */
export interface DailyUsage {
  inputAudioMs: number;
  outputAudioMs: number;
  warned: boolean;
}

/** Result of {@link Store.putGuildPersona}. */
export type PutPersonaResult = 'created' | 'replaced' | 'kept-existing';

/**
 * A guild's voice session as recorded: where the bot talks and which host runs it. `lease` is null
 * once the owner released it; an expired lease stays recorded so the shard's owner can restore it.
 */
export interface StoredVoiceSession {
  guildId: string;
  channelId: string;
  personaId: string;
  startedAt: number;
  ownerHostId: string | null;
  /** When the owner's lease runs out, in ms since the epoch on the database's clock. */
  leaseExpiresAt: number | null;
}

/** Proof of ownership of one guild's voice session; every write under it is fenced by `leaseId`. */
export interface VoiceSessionLease {
  guildId: string;
  hostId: string;
  leaseId: string;
  /** ms since the epoch on the database's clock (informational: hosts count `ttlMs` on their own clock). */
  expiresAt: number;
  ttlMs: number;
}

export interface ClaimRequest {
  guildId: string;
  hostId: string;
  channelId: string;
  personaId: string;
  ttlMs: number;
  startedAt?: number;
}

export type ClaimResult =
  | { ok: true; lease: VoiceSessionLease }
  | { ok: false; holderHostId: string; channelId: string; retryAfterMs: number };

/** Which guilds a host is responsible for. */
export interface ShardFilter {
  shardIds: readonly number[];
  shardCount: number;
}

/** One line of a scene, as heard or spoken. */
export interface SceneLine {
  guildId: string;
  channelId: string;
  /** The character whose memory this line belongs to. */
  characterId: string;
  speakerKind: 'member' | 'character';
  /** A member's user id, or a character id. */
  speakerId: string;
  speakerName: string;
  text: string;
  /** ms since the epoch. */
  at: number;
}

export interface SceneQuery {
  guildId: string;
  channelId: string;
  characterId: string;
  /** At most this many lines, the most recent ones, returned oldest first. */
  limit: number;
  /** Now, on the caller's clock: lines older than the guild's retention are never returned. */
  now: number;
}

/** Options every implementation takes. */
export interface StoreOptions {
  /** Scene retention for guilds that set none (days); default 30. */
  defaultSceneRetentionDays?: number;
  /** How many guilds' settings are kept in memory; default 50,000. */
  settingsCacheSize?: number;
}

/** A change another store instance (or this one) made; caches use it, sessions may react to it. */
export type StoreChange =
  | { kind: 'settings'; guildId: string }
  | { kind: 'optout'; guildId: string; userId: string; optedOut: boolean }
  | { kind: 'resync' };

/**
 * The bot's state. Reads that sit on the per-packet path (`isOptedOut`, `cachedSettings`) are
 * answered from memory and never wait on the database; every other call is one short round trip.
 */
export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  schemaVersion(): Promise<number>;

  getSettings(guildId: string): Promise<GuildSettings>;
  /** The cached settings, or undefined when not loaded yet (no I/O). */
  cachedSettings(guildId: string): GuildSettings | undefined;
  /** Applies only the given fields, atomically; throws a clear error on an invalid value. */
  updateSettings(guildId: string, patch: SettingsPatch): Promise<GuildSettings>;

  /** Saves a persona imported into one guild. With `replace: false` an existing id is kept. */
  putGuildPersona(
    guildId: string,
    persona: Persona,
    importedBy?: string,
    options?: { replace?: boolean },
  ): Promise<PutPersonaResult>;
  removeGuildPersona(guildId: string, personaId: string): Promise<boolean>;
  listGuildPersonas(guildId: string): Promise<Persona[]>;
  getGuildPersona(guildId: string, personaId: string): Promise<Persona | null>;

  getUsage(guildId: string, day: string): Promise<DailyUsage>;
  /** Adds deltas to the day's totals atomically and returns the new totals. */
  addUsage(guildId: string, day: string, inputAudioMs: number, outputAudioMs: number): Promise<DailyUsage>;
  /** Marks the day warned; true only for the one call that changed it (one warning across hosts). */
  markWarned(guildId: string, day: string): Promise<boolean>;

  setOptOut(guildId: string, userId: string, optedOut: boolean): Promise<void>;
  /** From memory (asked for every voice packet); kept current across hosts. */
  isOptedOut(guildId: string, userId: string): boolean;

  claimVoiceSession(request: ClaimRequest): Promise<ClaimResult>;
  /** Extends the lease; null when it was lost (expired and taken, or released): stop the session. */
  renewVoiceSession(lease: VoiceSessionLease): Promise<VoiceSessionLease | null>;
  /** Records a move or a persona switch; false when the lease was lost. */
  updateVoiceSession(
    lease: VoiceSessionLease,
    change: { channelId?: string; personaId?: string },
  ): Promise<boolean>;
  /** Forgets the session (a clean end); false when the lease was already lost. */
  releaseVoiceSession(lease: VoiceSessionLease): Promise<boolean>;
  /** Every recorded session, or only those in the given shards, by guild id. */
  listVoiceSessions(filter?: ShardFilter): Promise<StoredVoiceSession[]>;
  /** Sessions of the given shards that nobody holds now (expired or released) or `hostId` holds. */
  listRestorableSessions(hostId: string, filter: ShardFilter): Promise<StoredVoiceSession[]>;

  /** Stores lines; member lines of opted-out members are dropped here too. Returns the count stored. */
  appendSceneLines(lines: readonly SceneLine[]): Promise<number>;
  recentSceneLines(query: SceneQuery): Promise<SceneLine[]>;
  /** `/voice forget`: erases a channel's scene (one character's, or every character's). */
  forgetScene(guildId: string, channelId: string, characterId?: string): Promise<number>;
  /** Erases every scene line of a guild, in every channel. */
  forgetGuildScenes(guildId: string): Promise<number>;
  /** Erases everything a member said in a guild's scenes. */
  eraseMemberLines(guildId: string, userId: string): Promise<number>;
  /** Deletes lines past each guild's retention (the store's default where unset). */
  pruneSceneLines(now: number): Promise<number>;

  /**
   * Deletes everything stored about a guild (the bot was removed from it): settings, imported
   * personas, usage, opt-outs, its voice session record and its scenes. Every host's caches follow.
   */
  forgetGuild(guildId: string): Promise<void>;

  /** Called for every change seen (own writes and other hosts'); returns an unsubscribe. */
  subscribe(listener: (change: StoreChange) => void): () => void;
  close(): Promise<void>;
}
