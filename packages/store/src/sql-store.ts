// The store, written once over SqlDriver. Each method is one statement (two for an import that
// replaces a persona and for a refused claim), so no transaction spans an await. Leases and scene
// memory live in voice-leases.ts and scene-memory.ts; the cached state in state-cache.ts.
import type { Persona } from '@troupe/realtime-core';
import {
  byCodeUnits,
  personaFromJson,
  SETTINGS_COLUMNS,
  SETTINGS_SELECT,
  type SettingsRow,
  settingsFromRow,
} from './rows.ts';
import {
  appendSceneLines,
  eraseMemberLines,
  forgetGuildScenes,
  forgetScene,
  pruneSceneLines,
  recentSceneLines,
} from './scene-memory.ts';
import type { SqlDriver, SqlValue } from './sql-driver.ts';
import { StateCache, type StoreLog } from './state-cache.ts';
import type {
  ClaimRequest,
  ClaimResult,
  DailyUsage,
  GuildSettings,
  PutPersonaResult,
  SceneLine,
  SceneQuery,
  SettingsPatch,
  ShardFilter,
  Store,
  StoreChange,
  StoredVoiceSession,
  StoreOptions,
  VoiceSessionLease,
} from './types.ts';
import { parseSettingsPatch, requireDay, requireId, requireMs } from './validate.ts';
import {
  claimVoiceSession,
  listRestorableSessions,
  listVoiceSessions,
  releaseVoiceSession,
  renewVoiceSession,
  updateVoiceSession,
} from './voice-leases.ts';

export interface SqlStoreOptions extends StoreOptions {
  log?: StoreLog;
}

export class SqlStore implements Store {
  readonly backend: 'sqlite' | 'postgres';
  protected readonly driver: SqlDriver;
  protected readonly cache: StateCache;
  readonly #defaultRetentionDays: number;
  readonly #loading = new Map<string, { generation: number; settings: Promise<GuildSettings> }>();

  constructor(driver: SqlDriver, options: SqlStoreOptions = {}) {
    this.driver = driver;
    this.backend = driver.backend;
    this.cache = new StateCache(options.settingsCacheSize ?? 50_000, options.log ?? (() => {}));
    this.#defaultRetentionDays = options.defaultSceneRetentionDays ?? 30;
  }

  /** Loads every opt-out into memory; called at open and after notifications may have been missed. */
  protected async loadOptOuts(): Promise<void> {
    await this.cache.reloadOptOuts(() => this.driver.all('SELECT guild_id, user_id FROM user_optout'));
  }

  async schemaVersion(): Promise<number> {
    const [row] = await this.driver.all<{ v: number | null }>('SELECT MAX(version) AS v FROM migrations');
    return Number(row?.v ?? 0);
  }

  /** When false, cached settings may be stale (the notification connection is down): read through. */
  protected cacheTrusted(): boolean {
    return true;
  }

  async getSettings(guildId: string): Promise<GuildSettings> {
    requireId('guildId', guildId);
    const cached = this.cacheTrusted() ? this.cache.settings(guildId) : undefined;
    if (cached) return cached;
    // Many callers asking at once (a session starting while commands arrive) share one read.
    const generation = this.cache.generation;
    const inFlight = this.#loading.get(guildId);
    if (inFlight && inFlight.generation === generation) return inFlight.settings;
    const settings = this.#loadSettings(guildId, generation);
    this.#loading.set(guildId, { generation, settings });
    try {
      return await settings;
    } finally {
      if (this.#loading.get(guildId)?.settings === settings) this.#loading.delete(guildId);
    }
  }

  async #loadSettings(guildId: string, generation: number): Promise<GuildSettings> {
    const [row] = await this.driver.all<SettingsRow>(
      `SELECT ${SETTINGS_SELECT} FROM guild_settings WHERE guild_id = ?`,
      [guildId],
    );
    const settings = settingsFromRow(guildId, row);
    this.cache.storeSettings(settings, generation);
    return settings;
  }

  cachedSettings(guildId: string): GuildSettings | undefined {
    return this.cache.settings(guildId);
  }

  async updateSettings(guildId: string, patch: SettingsPatch): Promise<GuildSettings> {
    requireId('guildId', guildId);
    const fields = parseSettingsPatch(patch);
    if (fields.length === 0) return this.getSettings(guildId);
    const columns = fields.map(([f]) => SETTINGS_COLUMNS[f]);
    const generation = this.cache.generation;
    const [row] = await this.driver.all<SettingsRow>(
      `INSERT INTO guild_settings (guild_id, ${columns.join(', ')}) VALUES (?${', ?'.repeat(columns.length)})
       ON CONFLICT (guild_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}
       RETURNING ${SETTINGS_SELECT}`,
      [guildId, ...fields.map(([, v]) => v as SqlValue)],
    );
    const settings = settingsFromRow(guildId, row);
    this.cache.apply({ kind: 'settings', guildId }, { settings, generation });
    return settings;
  }

  async putGuildPersona(
    guildId: string,
    persona: Persona,
    importedBy?: string,
    options: { replace?: boolean } = {},
  ): Promise<PutPersonaResult> {
    requireId('guildId', guildId);
    requireId('persona.id', persona?.id);
    const json = JSON.stringify(persona);
    const by = importedBy === undefined ? null : requireId('importedBy', importedBy);
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.driver.all(
        `INSERT INTO guild_personas (guild_id, persona_id, persona_json, imported_by, imported_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, persona_id) DO NOTHING RETURNING persona_id`,
        [guildId, persona.id, json, by, Date.now()],
      );
      if (inserted.length > 0) return 'created';
      if (options.replace === false) return 'kept-existing';
      const updated = await this.driver.run(
        `UPDATE guild_personas SET persona_json = ?, imported_by = ?, imported_at = ?
         WHERE guild_id = ? AND persona_id = ?`,
        [json, by, Date.now(), guildId, persona.id],
      );
      if (updated > 0) return 'replaced';
      // Removed between the two statements: insert again.
    }
    throw new Error(`persona "${persona.id}" kept being removed while it was imported; try again`);
  }

  async removeGuildPersona(guildId: string, personaId: string): Promise<boolean> {
    const n = await this.driver.run('DELETE FROM guild_personas WHERE guild_id = ? AND persona_id = ?', [
      requireId('guildId', guildId),
      requireId('personaId', personaId),
    ]);
    return n > 0;
  }

  async listGuildPersonas(guildId: string): Promise<Persona[]> {
    const rows = await this.driver.all<{ persona_id: string; persona_json: string }>(
      'SELECT persona_id, persona_json FROM guild_personas WHERE guild_id = ?',
      [requireId('guildId', guildId)],
    );
    return rows
      .sort((a, b) => byCodeUnits(a.persona_id, b.persona_id))
      .map((r) => personaFromJson(r.persona_json));
  }

  async getGuildPersona(guildId: string, personaId: string): Promise<Persona | null> {
    const [row] = await this.driver.all<{ persona_json: string }>(
      'SELECT persona_json FROM guild_personas WHERE guild_id = ? AND persona_id = ?',
      [requireId('guildId', guildId), requireId('personaId', personaId)],
    );
    return row ? personaFromJson(row.persona_json) : null;
  }

  async getUsage(guildId: string, day: string): Promise<DailyUsage> {
    const [row] = await this.driver.all<UsageRow>(
      'SELECT input_audio_ms, output_audio_ms, warned FROM usage_daily WHERE guild_id = ? AND day = ?',
      [requireId('guildId', guildId), requireDay(day)],
    );
    return usageFromRow(row);
  }

  async addUsage(
    guildId: string,
    day: string,
    inputAudioMs: number,
    outputAudioMs: number,
  ): Promise<DailyUsage> {
    const [row] = await this.driver.all<UsageRow>(
      `INSERT INTO usage_daily (guild_id, day, input_audio_ms, output_audio_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (guild_id, day) DO UPDATE SET
         input_audio_ms = usage_daily.input_audio_ms + excluded.input_audio_ms,
         output_audio_ms = usage_daily.output_audio_ms + excluded.output_audio_ms
       RETURNING input_audio_ms, output_audio_ms, warned`,
      [
        requireId('guildId', guildId),
        requireDay(day),
        requireMs('inputAudioMs', inputAudioMs),
        requireMs('outputAudioMs', outputAudioMs),
      ],
    );
    return usageFromRow(row);
  }

  async markWarned(guildId: string, day: string): Promise<boolean> {
    const rows = await this.driver.all(
      `INSERT INTO usage_daily (guild_id, day, warned) VALUES (?, ?, TRUE)
       ON CONFLICT (guild_id, day) DO UPDATE SET warned = TRUE WHERE usage_daily.warned = FALSE
       RETURNING guild_id`,
      [requireId('guildId', guildId), requireDay(day)],
    );
    return rows.length > 0;
  }

  async setOptOut(guildId: string, userId: string, optedOut: boolean): Promise<void> {
    const params = [requireId('guildId', guildId), requireId('userId', userId)];
    if (optedOut) {
      await this.driver.run(
        'INSERT INTO user_optout (guild_id, user_id, opted_out_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [...params, Date.now()],
      );
    } else {
      await this.driver.run('DELETE FROM user_optout WHERE guild_id = ? AND user_id = ?', params);
    }
    await this.optOutWritten({ kind: 'optout', guildId, userId, optedOut });
  }

  /** Brings the in-memory opt-outs up to date after a write of this store; here, by applying it. */
  protected async optOutWritten(change: Extract<StoreChange, { kind: 'optout' }>): Promise<void> {
    this.cache.apply(change);
  }

  isOptedOut(guildId: string, userId: string): boolean {
    return this.cache.isOptedOut(guildId, userId);
  }

  claimVoiceSession(request: ClaimRequest): Promise<ClaimResult> {
    return claimVoiceSession(this.driver, request);
  }

  renewVoiceSession(lease: VoiceSessionLease): Promise<VoiceSessionLease | null> {
    return renewVoiceSession(this.driver, lease);
  }

  updateVoiceSession(
    lease: VoiceSessionLease,
    change: { channelId?: string; personaId?: string },
  ): Promise<boolean> {
    return updateVoiceSession(this.driver, lease, change);
  }

  releaseVoiceSession(lease: VoiceSessionLease): Promise<boolean> {
    return releaseVoiceSession(this.driver, lease);
  }

  listVoiceSessions(filter?: ShardFilter): Promise<StoredVoiceSession[]> {
    return listVoiceSessions(this.driver, filter);
  }

  listRestorableSessions(hostId: string, filter: ShardFilter): Promise<StoredVoiceSession[]> {
    return listRestorableSessions(this.driver, hostId, filter);
  }

  async #retentionDays(guildId: string): Promise<number> {
    return (await this.getSettings(guildId)).sceneRetentionDays ?? this.#defaultRetentionDays;
  }

  appendSceneLines(lines: readonly SceneLine[]): Promise<number> {
    return appendSceneLines(this.driver, lines, {
      isOptedOut: (g, u) => this.isOptedOut(g, u),
      retentionDays: (g) => this.#retentionDays(g),
    });
  }

  async recentSceneLines(query: SceneQuery): Promise<SceneLine[]> {
    return recentSceneLines(
      this.driver,
      query,
      await this.#retentionDays(requireId('guildId', query.guildId)),
    );
  }

  forgetScene(guildId: string, channelId: string, characterId?: string): Promise<number> {
    return forgetScene(this.driver, guildId, channelId, characterId);
  }

  forgetGuildScenes(guildId: string): Promise<number> {
    return forgetGuildScenes(this.driver, guildId);
  }

  eraseMemberLines(guildId: string, userId: string): Promise<number> {
    return eraseMemberLines(this.driver, guildId, userId);
  }

  pruneSceneLines(now: number): Promise<number> {
    return pruneSceneLines(this.driver, now, this.#defaultRetentionDays);
  }

  async forgetGuild(guildId: string): Promise<void> {
    requireId('guildId', guildId);
    for (const table of [
      'guild_settings',
      'guild_personas',
      'usage_daily',
      'voice_sessions',
      'scene_lines',
    ]) {
      await this.driver.run(`DELETE FROM ${table} WHERE guild_id = ?`, [guildId]);
    }
    const users = await this.driver.all<{ user_id: string }>(
      'DELETE FROM user_optout WHERE guild_id = ? RETURNING user_id',
      [guildId],
    );
    this.cache.apply({ kind: 'settings', guildId });
    for (const { user_id: userId } of users)
      await this.optOutWritten({ kind: 'optout', guildId, userId, optedOut: false });
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    return this.cache.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

interface UsageRow {
  input_audio_ms: number;
  output_audio_ms: number;
  warned: number | boolean;
}

function usageFromRow(row: UsageRow | undefined): DailyUsage {
  return {
    inputAudioMs: Number(row?.input_audio_ms ?? 0),
    outputAudioMs: Number(row?.output_audio_ms ?? 0),
    warned: row?.warned === 1 || row?.warned === true,
  };
}
