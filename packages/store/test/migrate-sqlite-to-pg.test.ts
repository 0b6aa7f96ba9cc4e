// The migration path: a SQLite file (the bot's old version 2, or this package's latest) copied into
// a real PostgreSQL, all of it, twice without duplicates, through the command operators run.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copySqliteToPostgres } from '../src/copy-sqlite-to-postgres.ts';
import { openPostgresStore } from '../src/postgres/pg-store.ts';
import { openSqliteStore } from '../src/sqlite/sqlite-store.ts';
import { PIRATE } from '../src/testing/contract/settings-personas.ts';
import { writeBotFile } from './bot-file.ts';
import { freshDatabase } from './pg-harness.ts';

const run = promisify(execFile);
let databaseUrl = '';
beforeAll(async () => {
  databaseUrl = await freshDatabase();
});
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-copy-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'troupe.sqlite');
}

async function pgStore(schema: string) {
  const store = await openPostgresStore(databaseUrl, { schema });
  cleanups.push(() => store.close());
  return store;
}

describe('copying SQLite into PostgreSQL', () => {
  it("copies the bot's version 2 file; a second run copies nothing and changes nothing", async () => {
    const file = tempFile();
    writeBotFile(file);
    const first = await copySqliteToPostgres(file, databaseUrl, { schema: 'from_v2' });
    expect(first).toEqual([
      { table: 'guild_settings', rows: 1, copied: 1 },
      { table: 'guild_personas', rows: 1, copied: 1 },
      { table: 'usage_daily', rows: 1, copied: 1 },
      { table: 'user_optout', rows: 1, copied: 1 },
      { table: 'voice_sessions', rows: 1, copied: 1 },
    ]);
    const again = await copySqliteToPostgres(file, databaseUrl, { schema: 'from_v2' });
    expect(again.map((r) => r.copied)).toEqual([0, 0, 0, 0, 0]);
    const store = await pgStore('from_v2');
    expect(await store.getSettings('111')).toMatchObject({
      defaultPersona: 'pirate',
      transcriptsEnabled: true,
      dailyCapMinutes: 30,
      personaSwitchRoleId: 'role',
    });
    expect(await store.listGuildPersonas('111')).toEqual([PIRATE]);
    expect(await store.getUsage('111', '2026-01-01')).toEqual({
      inputAudioMs: 60000,
      outputAudioMs: 30000,
      warned: true,
    });
    expect(store.isOptedOut('111', 'u2')).toBe(true);
    expect(await store.listRestorableSessions('any-host', { shardIds: [0], shardCount: 1 })).toMatchObject([
      { guildId: '111', channelId: 'vc', ownerHostId: null },
    ]);
  });

  it('copies a file of the latest schema with scene memory and voice settings, leaving rows already in PostgreSQL alone', async () => {
    const file = tempFile();
    const sqlite = await openSqliteStore(file);
    await sqlite.updateSettings('g', { vadSilenceMs: 650, vadEnergyThreshold: 0.5, sceneRetentionDays: 9 });
    const base = Date.now();
    const lines = [1, 2, 3].map((i) => ({
      guildId: 'g',
      channelId: 'c',
      characterId: 'pirate',
      speakerKind: 'member' as const,
      speakerId: 'u',
      speakerName: 'Ann',
      text: `line ${i}`,
      at: base - i,
    }));
    await sqlite.appendSceneLines(lines);
    await sqlite.addUsage('g', '2026-02-02', 100, 0);
    await sqlite.close();
    const target = await pgStore('from_v3');
    await target.addUsage('g', '2026-02-02', 7, 7); // written by a host before the copy: kept
    const reports = await copySqliteToPostgres(file, databaseUrl, { schema: 'from_v3' });
    expect(Object.fromEntries(reports.map((r) => [r.table, r.copied]))).toMatchObject({
      guild_settings: 1,
      usage_daily: 0,
      scene_lines: 3,
    });
    expect(await target.getSettings('g')).toMatchObject({
      vadSilenceMs: 650,
      vadEnergyThreshold: 0.5,
      sceneRetentionDays: 9,
    });
    expect(await target.getUsage('g', '2026-02-02')).toMatchObject({ inputAudioMs: 7 });
    const query = { guildId: 'g', channelId: 'c', characterId: 'pirate', limit: 10, now: base };
    expect(await target.recentSceneLines(query)).toEqual([...lines].reverse());
    await copySqliteToPostgres(file, databaseUrl, { schema: 'from_v3' });
    expect(await target.recentSceneLines(query)).toHaveLength(3);
  });

  it('refuses what is not a Troupe file, and copies nothing', async () => {
    const file = tempFile();
    const { DatabaseSync } = await import('node:sqlite');
    const other = new DatabaseSync(file);
    other.exec('CREATE TABLE notes (x)');
    other.close();
    await expect(copySqliteToPostgres(file, databaseUrl)).rejects.toThrow(/is not a Troupe database/);
    await expect(copySqliteToPostgres(`${file}.missing`, databaseUrl)).rejects.toThrow(/no SQLite file at/);
  });

  it('runs as the operator command with DATABASE_URL, and keeps the password out of its errors', async () => {
    const file = tempFile();
    writeBotFile(file);
    const script = join(import.meta.dirname, '..', 'scripts', 'migrate-sqlite-to-pg.ts');
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl };
    const ok = await run(process.execPath, [script, file, '--schema', 'from_cli'], { env });
    expect(ok.stdout.trim().split('\n').at(-1)).toBe(
      JSON.stringify({
        copied: { guild_settings: 1, guild_personas: 1, usage_daily: 1, user_optout: 1, voice_sessions: 1 },
      }),
    );
    const badUrl = new URL(databaseUrl);
    badUrl.password = 'hunter2-secret';
    badUrl.port = '1';
    const failed = run(process.execPath, [script, file], {
      env: { ...env, DATABASE_URL: badUrl.toString() },
    });
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/could not connect to postgres:\/\/postgres:\*\*\*@/),
    });
    await expect(failed).rejects.not.toMatchObject({ stderr: expect.stringContaining('hunter2') });
    await expect(run(process.execPath, [script], { env })).rejects.toMatchObject({ code: 2 });
  });
});
