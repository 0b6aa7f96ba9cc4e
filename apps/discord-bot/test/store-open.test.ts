// The runner's store: the bot's existing SQLite file opens with nothing lost, and a PostgreSQL
// that cannot be used stops the bot in one line with the fix (a real server, started once per run).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createTestDatabase } from '@troupe/store/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBotStore, StoreOpenError } from '../src/store-open.ts';

const dir = mkdtempSync(join(tmpdir(), 'troupe-store-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file exactly as the bot's own store (schema versions 1 and 2) left it, one row per table. */
function writeV2BotFile(path: string): void {
  const db = new DatabaseSync(path);
  db.exec(`
    CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
    CREATE TABLE guild_settings (guild_id TEXT PRIMARY KEY, default_persona TEXT,
      transcripts_enabled INTEGER NOT NULL DEFAULT 0, transcripts_channel_id TEXT,
      daily_cap_minutes INTEGER, persona_switch_role_id TEXT);
    CREATE TABLE guild_personas (guild_id TEXT NOT NULL, persona_id TEXT NOT NULL, persona_json TEXT NOT NULL,
      imported_by TEXT, imported_at INTEGER NOT NULL, PRIMARY KEY (guild_id, persona_id));
    CREATE TABLE usage_daily (guild_id TEXT NOT NULL, day TEXT NOT NULL, input_audio_ms INTEGER NOT NULL DEFAULT 0,
      output_audio_ms INTEGER NOT NULL DEFAULT 0, warned INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (guild_id, day));
    CREATE TABLE user_optout (guild_id TEXT NOT NULL, user_id TEXT NOT NULL, opted_out_at INTEGER NOT NULL,
      PRIMARY KEY (guild_id, user_id));
    CREATE TABLE voice_sessions (guild_id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, persona_id TEXT NOT NULL,
      started_at INTEGER NOT NULL);
    INSERT INTO migrations VALUES (1, 'initial', 1), (2, 'voice_sessions', 2);
    INSERT INTO guild_settings VALUES ('900000000000000100', 'ferryman', 1, '900000000000000111', 45, NULL);
    INSERT INTO guild_personas VALUES ('900000000000000100', 'ferryman',
      '{"id":"ferryman","name":"Ferryman","description":"Rows.","instructions":"Row.","voice":"wenrounansheng","language":"en"}',
      '900000000000001000', 5);
    INSERT INTO usage_daily VALUES ('900000000000000100', '2026-01-01', 60000, 30000, 1);
    INSERT INTO user_optout VALUES ('900000000000000100', '900000000000001002', 7);
    INSERT INTO voice_sessions VALUES ('900000000000000100', '900000000000000110', 'ferryman', 9);
  `);
  db.close();
}

describe('the SQLite file the bot already has', () => {
  it('opens through TROUPE_DB_PATH with every setting, import, usage, opt-out and session to restore', async () => {
    const path = join(dir, 'old-bot.sqlite');
    writeV2BotFile(path);
    const store = await openBotStore({ databaseUrl: undefined, dbPath: path });
    try {
      const g = '900000000000000100';
      expect(store.backend).toBe('sqlite');
      expect(await store.getSettings(g)).toMatchObject({
        defaultPersona: 'ferryman',
        transcriptsEnabled: true,
        transcriptsChannelId: '900000000000000111',
        dailyCapMinutes: 45,
        vadSilenceMs: null,
      });
      expect((await store.listGuildPersonas(g)).map((p) => p.name)).toEqual(['Ferryman']);
      expect(await store.getUsage(g, '2026-01-01')).toEqual({
        inputAudioMs: 60000,
        outputAudioMs: 30000,
        warned: true,
      });
      expect(store.isOptedOut(g, '900000000000001002')).toBe(true);
      expect(await store.listRestorableSessions('any-host', { shardIds: [0], shardCount: 1 })).toMatchObject([
        { guildId: g, channelId: '900000000000000110', personaId: 'ferryman', ownerHostId: null },
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('a PostgreSQL the bot cannot use: one line, what and the fix', () => {
  const fails = async (databaseUrl: string): Promise<StoreOpenError> => {
    const err = await openBotStore({ databaseUrl, dbPath: 'unused' }).then(
      () => new Error('opened'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreOpenError);
    const e = err as StoreOpenError;
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).not.toContain('s3cret');
    return e;
  };

  it('nobody listening on the port', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const e = await fails(`postgres://bot:s3cret@127.0.0.1:${port}/troupe`);
    expect(e.detail).toBe(
      `PostgreSQL at postgres://bot:***@127.0.0.1:${port}/troupe: cannot reach 127.0.0.1:${port} (ECONNREFUSED)`,
    );
    expect(e.fix).toMatch(/^start the server, or correct the host and port in DATABASE_URL/);
  });

  it('a login the server refuses, and a database that does not exist', async () => {
    const server = new URL(inject('postgresUrl'));
    const refused = await fails(`postgres://nobody_here:s3cret@${server.host}/postgres`);
    expect(refused.detail).toMatch(/the server refused nobody_here \(.*nobody_here.*\)$/);
    expect(refused.fix).toMatch(/correct the user and password in DATABASE_URL/);
    const missing = await fails(`postgres://${server.username}@${server.host}/no_such_db`);
    expect(missing.detail).toMatch(/database no_such_db does not exist$/);
    expect(missing.fix).toBe('create it (createdb no_such_db) or name an existing one in DATABASE_URL');
  });

  it('opens, migrates and reports its backend on a database that is fine', async () => {
    const url = await createTestDatabase(inject('postgresUrl'));
    const store = await openBotStore({ databaseUrl: url, dbPath: 'unused' });
    try {
      expect(store.backend).toBe('postgres');
      expect(await store.schemaVersion()).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
