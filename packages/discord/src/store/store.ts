import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Persona } from '@troupe/realtime-core';
import { migrate } from './migrations.ts';

/** Per-guild settings; `undefined`/null fields fall back to the bot defaults. */
export interface GuildSettings {
  guildId: string;
  defaultPersona: string | null;
  transcriptsEnabled: boolean;
  transcriptsChannelId: string | null;
  dailyCapMinutes: number | null;
  personaSwitchRoleId: string | null;
}

/** Audio usage for one guild on one UTC day. */
export interface DailyUsage {
  inputAudioMs: number;
  outputAudioMs: number;
  warned: boolean;
}

/** A voice session as recorded in the store (see {@link Store.setVoiceSession}). */
export interface StoredVoiceSession {
  guildId: string;
  channelId: string;
  personaId: string;
  startedAt: number;
}

/** The UTC calendar day ("YYYY-MM-DD") that `ms` falls in. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface SettingsRow {
  guild_id: string;
  default_persona: string | null;
  transcripts_enabled: number;
  transcripts_channel_id: string | null;
  daily_cap_minutes: number | null;
  persona_switch_role_id: string | null;
}

/**
 * SQLite-backed state (node:sqlite, synchronous). Open with a file path for persistence or
 * `:memory:` for tests. Every method is a short synchronous statement: safe to call from handlers.
 */
export class Store {
  readonly db: DatabaseSync;
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 2000;');
    migrate(this.db);
  }

  /** Schema version currently applied. */
  schemaVersion(): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM migrations').get() as { v: number | null };
    return row.v ?? 0;
  }

  getSettings(guildId: string): GuildSettings {
    const row = this.db.prepare('SELECT * FROM guild_settings WHERE guild_id = ?').get(guildId) as
      | SettingsRow
      | undefined;
    return {
      guildId,
      defaultPersona: row?.default_persona ?? null,
      transcriptsEnabled: row?.transcripts_enabled === 1,
      transcriptsChannelId: row?.transcripts_channel_id ?? null,
      dailyCapMinutes: row?.daily_cap_minutes ?? null,
      personaSwitchRoleId: row?.persona_switch_role_id ?? null,
    };
  }

  updateSettings(guildId: string, patch: Partial<Omit<GuildSettings, 'guildId'>>): GuildSettings {
    const next = { ...this.getSettings(guildId), ...patch };
    this.db
      .prepare(
        `INSERT INTO guild_settings (guild_id, default_persona, transcripts_enabled, transcripts_channel_id,
           daily_cap_minutes, persona_switch_role_id) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(guild_id) DO UPDATE SET default_persona = excluded.default_persona,
           transcripts_enabled = excluded.transcripts_enabled, transcripts_channel_id = excluded.transcripts_channel_id,
           daily_cap_minutes = excluded.daily_cap_minutes, persona_switch_role_id = excluded.persona_switch_role_id`,
      )
      .run(
        guildId,
        next.defaultPersona,
        next.transcriptsEnabled ? 1 : 0,
        next.transcriptsChannelId,
        next.dailyCapMinutes,
        next.personaSwitchRoleId,
      );
    return next;
  }

  /** Saves (or replaces) a persona imported into one guild; it is visible only there. */
  putGuildPersona(guildId: string, persona: Persona, importedBy?: string): void {
    this.db
      .prepare(
        `INSERT INTO guild_personas (guild_id, persona_id, persona_json, imported_by, imported_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(guild_id, persona_id) DO UPDATE SET persona_json = excluded.persona_json,
           imported_by = excluded.imported_by, imported_at = excluded.imported_at`,
      )
      .run(guildId, persona.id, JSON.stringify(persona), importedBy ?? null, Date.now());
  }

  removeGuildPersona(guildId: string, personaId: string): boolean {
    const r = this.db
      .prepare('DELETE FROM guild_personas WHERE guild_id = ? AND persona_id = ?')
      .run(guildId, personaId);
    return Number(r.changes) > 0;
  }

  listGuildPersonas(guildId: string): Persona[] {
    const rows = this.db
      .prepare('SELECT persona_json FROM guild_personas WHERE guild_id = ? ORDER BY persona_id')
      .all(guildId) as { persona_json: string }[];
    return rows.map((r) => JSON.parse(r.persona_json) as Persona);
  }

  getUsage(guildId: string, day: string): DailyUsage {
    const row = this.db
      .prepare(
        'SELECT input_audio_ms, output_audio_ms, warned FROM usage_daily WHERE guild_id = ? AND day = ?',
      )
      .get(guildId, day) as { input_audio_ms: number; output_audio_ms: number; warned: number } | undefined;
    return {
      inputAudioMs: row?.input_audio_ms ?? 0,
      outputAudioMs: row?.output_audio_ms ?? 0,
      warned: row?.warned === 1,
    };
  }

  /** Adds usage deltas for `day` and returns the new totals. */
  addUsage(guildId: string, day: string, inputAudioMs: number, outputAudioMs: number): DailyUsage {
    this.db
      .prepare(
        `INSERT INTO usage_daily (guild_id, day, input_audio_ms, output_audio_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(guild_id, day) DO UPDATE SET input_audio_ms = input_audio_ms + excluded.input_audio_ms,
           output_audio_ms = output_audio_ms + excluded.output_audio_ms`,
      )
      .run(guildId, day, Math.max(0, Math.round(inputAudioMs)), Math.max(0, Math.round(outputAudioMs)));
    return this.getUsage(guildId, day);
  }

  markWarned(guildId: string, day: string): void {
    this.db.prepare('UPDATE usage_daily SET warned = 1 WHERE guild_id = ? AND day = ?').run(guildId, day);
  }

  setOptOut(guildId: string, userId: string, optedOut: boolean): void {
    if (optedOut) {
      this.db
        .prepare('INSERT OR IGNORE INTO user_optout (guild_id, user_id, opted_out_at) VALUES (?, ?, ?)')
        .run(guildId, userId, Date.now());
      this.#optOuts().add(`${guildId}:${userId}`);
    } else {
      this.db.prepare('DELETE FROM user_optout WHERE guild_id = ? AND user_id = ?').run(guildId, userId);
      this.#optOuts().delete(`${guildId}:${userId}`);
    }
  }

  /** Asked for every voice packet, so it is answered from memory (a guild lives in one process). */
  isOptedOut(guildId: string, userId: string): boolean {
    return this.#optOuts().has(`${guildId}:${userId}`);
  }

  #optOutSet: Set<string> | undefined;

  #optOuts(): Set<string> {
    this.#optOutSet ??= new Set(
      (
        this.db.prepare('SELECT guild_id, user_id FROM user_optout').all() as {
          guild_id: string;
          user_id: string;
        }[]
      ).map((r) => `${r.guild_id}:${r.user_id}`),
    );
    return this.#optOutSet;
  }

  /** Remembers that the bot is talking in `channelId` (written on join and on persona switch). */
  setVoiceSession(guildId: string, channelId: string, personaId: string, startedAt = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO voice_sessions (guild_id, channel_id, persona_id, started_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(guild_id) DO UPDATE SET channel_id = excluded.channel_id,
           persona_id = excluded.persona_id, started_at = excluded.started_at`,
      )
      .run(guildId, channelId, personaId, startedAt);
  }

  /** Updates the persona of the recorded session, if any (a switch keeps the channel). */
  setVoiceSessionPersona(guildId: string, personaId: string): void {
    this.db.prepare('UPDATE voice_sessions SET persona_id = ? WHERE guild_id = ?').run(personaId, guildId);
  }

  /**
   * Forgets the guild's recorded session. With `channelId`, only if it is still that channel, so a
   * late "ended" event of an old session cannot erase the record of the new one.
   */
  clearVoiceSession(guildId: string, channelId?: string): boolean {
    const r = channelId
      ? this.db
          .prepare('DELETE FROM voice_sessions WHERE guild_id = ? AND channel_id = ?')
          .run(guildId, channelId)
      : this.db.prepare('DELETE FROM voice_sessions WHERE guild_id = ?').run(guildId);
    return Number(r.changes) > 0;
  }

  /** Every session the bot believed it had when it last wrote (after a crash: the ones to reconcile). */
  listVoiceSessions(): StoredVoiceSession[] {
    const rows = this.db
      .prepare('SELECT guild_id, channel_id, persona_id, started_at FROM voice_sessions ORDER BY guild_id')
      .all() as { guild_id: string; channel_id: string; persona_id: string; started_at: number }[];
    return rows.map((r) => ({
      guildId: r.guild_id,
      channelId: r.channel_id,
      personaId: r.persona_id,
      startedAt: r.started_at,
    }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
