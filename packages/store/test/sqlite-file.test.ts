// The embedded store opens the file the bot wrote before this package existed (schema version 2)
// and moves it forward without losing a row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateSqlite, SQLITE_MIGRATIONS } from '../src/sqlite/sqlite-migrations.ts';
import { openSqliteStore } from '../src/sqlite/sqlite-store.ts';
import { PIRATE } from '../src/testing/contract/settings-personas.ts';
import { writeBotFile } from './bot-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('sqlite store on an existing bot file', () => {
  it('migrates version 2 to the latest and keeps every row; an old session record is restorable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-store-'));
    dirs.push(dir);
    const path = join(dir, 'troupe.sqlite');
    writeBotFile(path);
    const store = await openSqliteStore(path);
    try {
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
      expect(await store.getSettings('111')).toMatchObject({
        defaultPersona: 'pirate',
        transcriptsEnabled: true,
        transcriptsChannelId: 'tc',
        dailyCapMinutes: 30,
        personaSwitchRoleId: 'role',
        vadSilenceMs: null,
      });
      expect(await store.listGuildPersonas('111')).toEqual([PIRATE]);
      expect(await store.getUsage('111', '2026-01-01')).toEqual({
        inputAudioMs: 60000,
        outputAudioMs: 30000,
        warned: true,
      });
      expect(store.isOptedOut('111', 'u2')).toBe(true);
      const restorable = await store.listRestorableSessions('host-a', { shardIds: [0], shardCount: 1 });
      expect(restorable).toEqual([
        {
          guildId: '111',
          channelId: 'vc',
          personaId: 'pirate',
          startedAt: 9,
          ownerHostId: null,
          leaseExpiresAt: null,
        },
      ]);
      const claimed = await store.claimVoiceSession({
        guildId: '111',
        hostId: 'host-a',
        channelId: 'vc',
        personaId: 'pirate',
        ttlMs: 30_000,
      });
      expect(claimed.ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('stops with the failing step named when a migration fails, and applies nothing of it', () => {
    const db = new DatabaseSync(':memory:');
    migrateSqlite(db);
    const broken = [
      ...SQLITE_MIGRATIONS,
      { version: 99, name: 'broken', sql: 'CREATE TABLE x (a); CREATE TABLE (' },
    ];
    expect(() => migrateSqlite(db, broken)).toThrow(/Database migration 99 \(broken\) failed/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").all()).toEqual([]);
    expect(migrateSqlite(db)).toBe(0);
    db.close();
  });
});
