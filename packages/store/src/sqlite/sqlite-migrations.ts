import type { DatabaseSync } from 'node:sqlite';

/** One schema step; `version` is strictly increasing and never reused. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The SQLite schema history. Versions 1 and 2 are the bot's own (apps/discord-bot before this
 * package), so an existing bot file opens and moves forward. Append new steps; never edit one.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE guild_settings (
        guild_id TEXT PRIMARY KEY,
        default_persona TEXT,
        transcripts_enabled INTEGER NOT NULL DEFAULT 0,
        transcripts_channel_id TEXT,
        daily_cap_minutes INTEGER,
        persona_switch_role_id TEXT
      );
      CREATE TABLE guild_personas (
        guild_id TEXT NOT NULL,
        persona_id TEXT NOT NULL,
        persona_json TEXT NOT NULL,
        imported_by TEXT,
        imported_at INTEGER NOT NULL,
        PRIMARY KEY (guild_id, persona_id)
      );
      CREATE TABLE usage_daily (
        guild_id TEXT NOT NULL,
        day TEXT NOT NULL,
        input_audio_ms INTEGER NOT NULL DEFAULT 0,
        output_audio_ms INTEGER NOT NULL DEFAULT 0,
        warned INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (guild_id, day)
      );
      CREATE TABLE user_optout (
        guild_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        opted_out_at INTEGER NOT NULL,
        PRIMARY KEY (guild_id, user_id)
      );
    `,
  },
  {
    version: 2,
    name: 'voice_sessions',
    sql: `
      CREATE TABLE voice_sessions (
        guild_id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        persona_id TEXT NOT NULL,
        started_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Voice settings per guild, session leases (one host runs a guild's session) and scene memory.
    version: 3,
    name: 'vad_leases_scene_memory',
    sql: `
      ALTER TABLE guild_settings ADD COLUMN vad_silence_ms INTEGER;
      ALTER TABLE guild_settings ADD COLUMN vad_prefix_padding_ms INTEGER;
      ALTER TABLE guild_settings ADD COLUMN vad_energy_threshold REAL;
      ALTER TABLE guild_settings ADD COLUMN scene_retention_days INTEGER;
      ALTER TABLE voice_sessions ADD COLUMN owner_host TEXT;
      ALTER TABLE voice_sessions ADD COLUMN lease_id TEXT;
      ALTER TABLE voice_sessions ADD COLUMN lease_expires_at INTEGER;
      CREATE TABLE scene_lines (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        line_id TEXT NOT NULL UNIQUE,
        guild_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        character_id TEXT NOT NULL,
        speaker_kind TEXT NOT NULL,
        speaker_id TEXT NOT NULL,
        speaker_name TEXT NOT NULL,
        text TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX scene_lines_scene ON scene_lines (guild_id, channel_id, character_id, at);
      CREATE INDEX scene_lines_speaker ON scene_lines (guild_id, speaker_id);
    `,
  },
];

export function sqliteSchemaVersion(db: DatabaseSync): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM migrations').get() as
    | { v: number | null }
    | undefined;
  return row?.v ?? 0;
}

/**
 * Applies every migration newer than the recorded version, each in its own transaction (BEGIN
 * IMMEDIATE: two processes opening one file migrate one after the other). Returns the count applied.
 */
export function migrateSqlite(
  db: DatabaseSync,
  migrations: readonly Migration[] = SQLITE_MIGRATIONS,
): number {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  let applied = 0;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (m.version <= sqliteSchemaVersion(db)) {
        db.exec('COMMIT');
        continue;
      }
      db.exec(m.sql);
      db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
      db.exec('COMMIT');
      applied++;
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`Database migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return applied;
}
