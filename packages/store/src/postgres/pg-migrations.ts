import type pg from 'pg';

/** One schema step; `version` is strictly increasing and never reused. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The PostgreSQL schema history (its own numbering: it starts at the SQLite schema's version 3).
 * The same tables and column names as SQLite, so one set of queries serves both.
 * Changes to settings and opt-outs are announced by triggers with NOTIFY on the channel
 * `troupe_store.<schema>`, whoever writes them (a host, the migration command, an operator's SQL),
 * and delivered only when the writing transaction commits.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE guild_settings (
        guild_id TEXT PRIMARY KEY,
        default_persona TEXT,
        transcripts_enabled BOOLEAN NOT NULL DEFAULT FALSE,
        transcripts_channel_id TEXT,
        daily_cap_minutes INTEGER,
        persona_switch_role_id TEXT,
        vad_silence_ms INTEGER,
        vad_prefix_padding_ms INTEGER,
        vad_energy_threshold DOUBLE PRECISION,
        scene_retention_days INTEGER
      );
      CREATE TABLE guild_personas (
        guild_id TEXT NOT NULL,
        persona_id TEXT NOT NULL,
        persona_json TEXT NOT NULL,
        imported_by TEXT,
        imported_at BIGINT NOT NULL,
        PRIMARY KEY (guild_id, persona_id)
      );
      CREATE TABLE usage_daily (
        guild_id TEXT NOT NULL,
        day TEXT NOT NULL,
        input_audio_ms BIGINT NOT NULL DEFAULT 0,
        output_audio_ms BIGINT NOT NULL DEFAULT 0,
        warned BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (guild_id, day)
      );
      CREATE TABLE user_optout (
        guild_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        opted_out_at BIGINT NOT NULL,
        PRIMARY KEY (guild_id, user_id)
      );
      CREATE TABLE voice_sessions (
        guild_id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        persona_id TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        owner_host TEXT,
        lease_id TEXT,
        lease_expires_at BIGINT
      );
      CREATE TABLE scene_lines (
        seq BIGSERIAL PRIMARY KEY,
        line_id TEXT NOT NULL UNIQUE,
        guild_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        character_id TEXT NOT NULL,
        speaker_kind TEXT NOT NULL,
        speaker_id TEXT NOT NULL,
        speaker_name TEXT NOT NULL,
        text TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX scene_lines_scene ON scene_lines (guild_id, channel_id, character_id, at);
      CREATE INDEX scene_lines_speaker ON scene_lines (guild_id, speaker_id);

      CREATE FUNCTION troupe_notify_settings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('troupe_store.' || TG_TABLE_SCHEMA,
          json_build_object('kind', 'settings', 'guildId', COALESCE(NEW.guild_id, OLD.guild_id))::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER guild_settings_changed AFTER INSERT OR UPDATE OR DELETE ON guild_settings
        FOR EACH ROW EXECUTE FUNCTION troupe_notify_settings();

      CREATE FUNCTION troupe_notify_optout() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('troupe_store.' || TG_TABLE_SCHEMA, json_build_object('kind', 'optout',
            'guildId', OLD.guild_id, 'userId', OLD.user_id, 'optedOut', FALSE)::text);
        ELSE
          PERFORM pg_notify('troupe_store.' || TG_TABLE_SCHEMA, json_build_object('kind', 'optout',
            'guildId', NEW.guild_id, 'userId', NEW.user_id, 'optedOut', TRUE)::text);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER user_optout_changed AFTER INSERT OR DELETE ON user_optout
        FOR EACH ROW EXECUTE FUNCTION troupe_notify_optout();
    `,
  },
];

/** Any fixed key: hosts starting together migrate one at a time. */
const MIGRATION_LOCK = 7_316_405_223;

/**
 * Creates `schema` if needed and applies every migration newer than the recorded version, each in
 * its own transaction. `schema` must already be checked (a lowercase SQL name).
 */
export async function migratePostgres(
  client: pg.ClientBase,
  schema: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number> {
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  // Usual case, a host starting on a current schema: no lock, no DDL.
  const { rows: table } = await client.query<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [`"${schema}".migrations`],
  );
  if (table[0]?.found) {
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM migrations');
    if ((rows[0]?.v ?? 0) >= latest) return 0;
  }
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM migrations');
    const current = rows[0]?.v ?? 0;
    let applied = 0;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          Date.now(),
        ]);
        await client.query('COMMIT');
        applied++;
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Database migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
