// Where scene memory lives: the port the plugin writes the scene's lines to and reads them back
// from, per guild, channel and character. By default the plugin's own store keeps them
// (store-scene-memory.ts); a host may pass another implementation (tests use an in-memory one). Every call
// is async and may fail: the voice layer logs a failure and carries on without memory.

import type { SceneLine, SceneQuery } from '@troupe/store';

/** One line of a scene as stored: what was said, by whom, and whose memory it belongs to (the store's shape). */
export type StoredSceneLine = SceneLine;

/** Which lines to read back: the most recent of one character in one channel, within retention. */
export type SceneMemoryQuery = SceneQuery;

export interface SceneMemoryStore {
  /** Stores lines (an opted-out member's are dropped by the store too); returns how many were kept. */
  append(lines: readonly StoredSceneLine[]): Promise<number>;
  recent(query: SceneMemoryQuery): Promise<StoredSceneLine[]>;
  /** Erases a channel's scene memory (one character's, or every character's); returns lines erased. */
  forget(guildId: string, channelId: string, characterId?: string): Promise<number>;
  /** Erases everything a member said in a guild's scenes (an opt-out). */
  eraseMember(guildId: string, userId: string): Promise<number>;
  /** The bot was removed from the server: every line of the guild is erased. */
  forgetGuild(guildId: string): Promise<number>;
  /** How many days the guild's lines are kept; 0 keeps none. */
  retentionDays(guildId: string): Promise<number>;
  /** Sets the guild's retention (null: the store's default); returns the days in force. */
  setRetentionDays(guildId: string, days: number | null): Promise<number>;
}

/** Longest retention a guild may choose. */
export const MAX_RETENTION_DAYS = 365;
