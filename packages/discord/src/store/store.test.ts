import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from './migrations.ts';
import { Store, utcDay } from './store.ts';

const persona = {
  id: 'pirate',
  name: 'Pirate',
  description: 'd',
  instructions: 'i',
  voice: 'v',
  language: 'en' as const,
};
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Store', () => {
  it('applies migrations once and records the version', () => {
    const db = new DatabaseSync(':memory:');
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(migrate(db)).toBe(0);
    expect(
      migrate(db, [...MIGRATIONS, { version: 99, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER)' }]),
    ).toBe(1);
    const failing = [{ version: 100, name: 'broken', sql: 'CREATE TABLE nope (' }];
    expect(() => migrate(db, failing)).toThrow(/migration 100 \(broken\) failed/);
    db.close();
  });

  it('keeps settings, personas, usage and opt-outs across a reopen of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-store-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'troupe.sqlite');
    const a = new Store(path);
    a.updateSettings('g1', { defaultPersona: 'pirate', dailyCapMinutes: 30, transcriptsEnabled: true });
    a.putGuildPersona('g1', persona, 'u1');
    a.addUsage('g1', '2026-01-01', 60_000, 30_000);
    a.setOptOut('g1', 'u2', true);
    a.close();
    const b = new Store(path);
    expect(b.schemaVersion()).toBe(MIGRATIONS.length);
    expect(b.getSettings('g1')).toMatchObject({
      defaultPersona: 'pirate',
      dailyCapMinutes: 30,
      transcriptsEnabled: true,
    });
    expect(b.listGuildPersonas('g1')).toEqual([persona]);
    expect(b.getUsage('g1', '2026-01-01')).toEqual({
      inputAudioMs: 60_000,
      outputAudioMs: 30_000,
      warned: false,
    });
    expect(b.isOptedOut('g1', 'u2')).toBe(true);
    b.close();
  });

  it('isolates guilds', () => {
    const s = new Store(':memory:');
    s.putGuildPersona('g1', persona);
    s.setOptOut('g1', 'u1', true);
    s.updateSettings('g1', { personaSwitchRoleId: 'r1' });
    expect(s.listGuildPersonas('g2')).toEqual([]);
    expect(s.isOptedOut('g2', 'u1')).toBe(false);
    expect(s.getSettings('g2').personaSwitchRoleId).toBeNull();
    expect(s.removeGuildPersona('g2', 'pirate')).toBe(false);
    expect(s.removeGuildPersona('g1', 'pirate')).toBe(true);
    s.setOptOut('g1', 'u1', false);
    expect(s.isOptedOut('g1', 'u1')).toBe(false);
    s.close();
  });

  it('records the voice session per guild; a late end of an old channel keeps the new record', () => {
    const s = new Store(':memory:');
    s.setVoiceSession('g1', 'c1', 'pirate', 5);
    s.setVoiceSession('g2', 'c9', 'pirate', 6);
    s.setVoiceSession('g1', 'c2', 'pirate', 7);
    s.setVoiceSessionPersona('g1', 'captain');
    expect(s.clearVoiceSession('g1', 'c1')).toBe(false);
    expect(s.listVoiceSessions()).toEqual([
      { guildId: 'g1', channelId: 'c2', personaId: 'captain', startedAt: 7 },
      { guildId: 'g2', channelId: 'c9', personaId: 'pirate', startedAt: 6 },
    ]);
    expect(s.clearVoiceSession('g1', 'c2')).toBe(true);
    expect(s.clearVoiceSession('g2')).toBe(true);
    expect(s.listVoiceSessions()).toEqual([]);
    s.close();
  });

  it('accumulates usage per UTC day and remembers the warning', () => {
    const s = new Store(':memory:');
    const day = utcDay(Date.UTC(2026, 0, 1, 23, 59));
    expect(day).toBe('2026-01-01');
    s.addUsage('g', day, 1000, 500);
    expect(s.addUsage('g', day, 1000, 500)).toEqual({
      inputAudioMs: 2000,
      outputAudioMs: 1000,
      warned: false,
    });
    s.markWarned('g', day);
    expect(s.getUsage('g', day).warned).toBe(true);
    expect(s.getUsage('g', '2026-01-02').inputAudioMs).toBe(0);
    s.close();
  });
});
