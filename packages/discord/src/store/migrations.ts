import type { DatabaseSync } from 'node:sqlite';

/** One schema step; `version` is strictly increasing and never reused. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The bot's schema history. Append new steps; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [
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
    // Which channel the bot was talking in, so a restart after a crash can rejoin it (or clear a
    // stale voice state) instead of leaving a zombie member in the channel.
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
];

/** Applies every migration newer than the recorded version, each in its own transaction. Returns the count applied. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS v FROM migrations').get() as
    | { v: number | null }
    | undefined;
  const current = row?.v ?? 0;
  let applied = 0;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.exec('BEGIN');
    try {
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
