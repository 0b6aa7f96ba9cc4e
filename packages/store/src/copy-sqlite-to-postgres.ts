// Copies a Troupe SQLite file (any schema version this package knows, including the bot's own
// version 1 and 2 files) into PostgreSQL, in one transaction. Rows already in PostgreSQL are left
// as they are, so running it again copies nothing twice and never overwrites what hosts have
// written since. Recorded voice sessions arrive unleased: the host owning the guild's shard
// restores them. Stop the bot that uses the file first.
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { migratePostgres } from './postgres/pg-migrations.ts';
import { redactDatabaseUrl } from './postgres/pg-store.ts';
import { SQLITE_MIGRATIONS, sqliteSchemaVersion } from './sqlite/sqlite-migrations.ts';
import { parseSchemaName, StoreInputError } from './validate.ts';

type Row = Record<string, unknown>;

interface TableCopy {
  table: string;
  /** Columns to copy, and the schema version that added each. */
  columns: [name: string, since: number][];
  conflict: string;
  /** SQLite keeps booleans as 0/1. */
  booleans?: string[];
  since?: number;
}

const COPIES: TableCopy[] = [
  {
    table: 'guild_settings',
    columns: [
      ['guild_id', 1],
      ['default_persona', 1],
      ['transcripts_enabled', 1],
      ['transcripts_channel_id', 1],
      ['daily_cap_minutes', 1],
      ['persona_switch_role_id', 1],
      ['vad_silence_ms', 3],
      ['vad_prefix_padding_ms', 3],
      ['vad_energy_threshold', 3],
      ['scene_retention_days', 3],
    ],
    conflict: '(guild_id)',
    booleans: ['transcripts_enabled'],
  },
  {
    table: 'guild_personas',
    columns: ['guild_id', 'persona_id', 'persona_json', 'imported_by', 'imported_at'].map((c) => [c, 1]),
    conflict: '(guild_id, persona_id)',
  },
  {
    table: 'usage_daily',
    columns: ['guild_id', 'day', 'input_audio_ms', 'output_audio_ms', 'warned'].map((c) => [c, 1]),
    conflict: '(guild_id, day)',
    booleans: ['warned'],
  },
  {
    table: 'user_optout',
    columns: ['guild_id', 'user_id', 'opted_out_at'].map((c) => [c, 1]),
    conflict: '(guild_id, user_id)',
  },
  {
    table: 'voice_sessions',
    columns: ['guild_id', 'channel_id', 'persona_id', 'started_at'].map((c) => [c, 2]),
    conflict: '(guild_id)',
    since: 2,
  },
  {
    table: 'scene_lines',
    columns: [
      'line_id',
      'guild_id',
      'channel_id',
      'character_id',
      'speaker_kind',
      'speaker_id',
      'speaker_name',
      'text',
      'at',
    ].map((c) => [c, 3]),
    conflict: '(line_id)',
    since: 3,
  },
];

export interface TableReport {
  table: string;
  /** Rows in the SQLite file. */
  rows: number;
  /** Rows inserted into PostgreSQL by this run. */
  copied: number;
}

const BATCH = 500;

function openSource(path: string): { db: DatabaseSync; version: number } {
  if (!existsSync(path)) throw new StoreInputError(`no SQLite file at ${path}`);
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const hasMigrations = db
      .prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
      .get();
    if (!hasMigrations)
      throw new StoreInputError(`${path} is not a Troupe database (it has no migrations table)`);
    const version = sqliteSchemaVersion(db);
    if (version < 1 || version > SQLITE_MIGRATIONS.length) {
      throw new StoreInputError(
        `${path} has schema version ${version}; this command knows 1 to ${SQLITE_MIGRATIONS.length}` +
          (version > SQLITE_MIGRATIONS.length ? ' (it was written by a newer Troupe: update first)' : ''),
      );
    }
    return { db, version };
  } catch (err) {
    db.close();
    throw err;
  }
}

async function copyTable(client: pg.ClientBase, db: DatabaseSync, version: number, copy: TableCopy) {
  const columns = copy.columns.filter(([, since]) => since <= version).map(([name]) => name);
  const rows = db.prepare(`SELECT ${columns.join(', ')} FROM ${copy.table}`).all() as Row[];
  let copied = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const values: unknown[] = [];
    const tuples = batch.map((row) => {
      const start = values.length;
      for (const c of columns) {
        const v = row[c];
        values.push(copy.booleans?.includes(c) ? v === 1 || v === 1n : typeof v === 'bigint' ? Number(v) : v);
      }
      return `(${columns.map((_, j) => `$${start + j + 1}`).join(', ')})`;
    });
    const result = await client.query(
      `INSERT INTO ${copy.table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}
       ON CONFLICT ${copy.conflict} DO NOTHING`,
      values,
    );
    copied += result.rowCount ?? 0;
  }
  return { table: copy.table, rows: rows.length, copied };
}

/** Copies every table; all or nothing. */
export async function copySqliteToPostgres(
  sqlitePath: string,
  databaseUrl: string,
  options: { schema?: string } = {},
): Promise<TableReport[]> {
  const schema = options.schema ?? 'public';
  parseSchemaName(schema);
  const { db, version } = openSource(sqlitePath);
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  try {
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`could not connect to ${redactDatabaseUrl(databaseUrl)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    await migratePostgres(client, schema);
    await client.query('BEGIN');
    try {
      const reports: TableReport[] = [];
      for (const copy of COPIES) {
        if ((copy.since ?? 1) <= version) reports.push(await copyTable(client, db, version, copy));
      }
      await client.query('COMMIT');
      return reports;
    } catch (err) {
      await client.query('ROLLBACK');
      throw new Error(`nothing was copied: ${(err as Error).message}`, { cause: err });
    }
  } finally {
    db.close();
    await client.end().catch(() => {});
  }
}
