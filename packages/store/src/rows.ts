// Row shapes shared by both backends (same column names) and their mapping to the public types.
import type { Persona } from '@troupe/realtime-core';
import type { GuildSettings, SceneLine, SettingsPatch, StoredVoiceSession } from './types.ts';

export const SETTINGS_COLUMNS: Record<keyof SettingsPatch, string> = {
  defaultPersona: 'default_persona',
  transcriptsEnabled: 'transcripts_enabled',
  transcriptsChannelId: 'transcripts_channel_id',
  dailyCapMinutes: 'daily_cap_minutes',
  personaSwitchRoleId: 'persona_switch_role_id',
  vadSilenceMs: 'vad_silence_ms',
  vadPrefixPaddingMs: 'vad_prefix_padding_ms',
  vadEnergyThreshold: 'vad_energy_threshold',
  sceneRetentionDays: 'scene_retention_days',
};

export const SETTINGS_SELECT = `guild_id, ${Object.values(SETTINGS_COLUMNS).join(', ')}`;

/**
 * Lists are sorted here, not in SQL: a PostgreSQL database's collation (say en_US) orders text
 * differently from SQLite's, and both backends must answer alike.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface SettingsRow {
  default_persona: string | null;
  transcripts_enabled: number | boolean;
  transcripts_channel_id: string | null;
  daily_cap_minutes: number | null;
  persona_switch_role_id: string | null;
  vad_silence_ms: number | null;
  vad_prefix_padding_ms: number | null;
  vad_energy_threshold: number | null;
  scene_retention_days: number | null;
}

export function settingsFromRow(guildId: string, row: SettingsRow | undefined): GuildSettings {
  return {
    guildId,
    defaultPersona: row?.default_persona ?? null,
    transcriptsEnabled: row?.transcripts_enabled === 1 || row?.transcripts_enabled === true,
    transcriptsChannelId: row?.transcripts_channel_id ?? null,
    dailyCapMinutes: row?.daily_cap_minutes ?? null,
    personaSwitchRoleId: row?.persona_switch_role_id ?? null,
    vadSilenceMs: row?.vad_silence_ms ?? null,
    vadPrefixPaddingMs: row?.vad_prefix_padding_ms ?? null,
    vadEnergyThreshold: row?.vad_energy_threshold ?? null,
    sceneRetentionDays: row?.scene_retention_days ?? null,
  };
}

export interface VoiceSessionRow {
  guild_id: string;
  channel_id: string;
  persona_id: string;
  started_at: number;
  owner_host: string | null;
  lease_expires_at: number | null;
}

export function sessionFromRow(r: VoiceSessionRow): StoredVoiceSession {
  const leased = r.owner_host !== null && r.lease_expires_at !== null;
  return {
    guildId: r.guild_id,
    channelId: r.channel_id,
    personaId: r.persona_id,
    startedAt: Number(r.started_at),
    ownerHostId: leased ? r.owner_host : null,
    leaseExpiresAt: leased ? Number(r.lease_expires_at) : null,
  };
}

export interface SceneLineRow {
  guild_id: string;
  channel_id: string;
  character_id: string;
  speaker_kind: string;
  speaker_id: string;
  speaker_name: string;
  text: string;
  at: number;
}

export function sceneLineFromRow(r: SceneLineRow): SceneLine {
  return {
    guildId: r.guild_id,
    channelId: r.channel_id,
    characterId: r.character_id,
    speakerKind: r.speaker_kind === 'character' ? 'character' : 'member',
    speakerId: r.speaker_id,
    speakerName: r.speaker_name,
    text: r.text,
    at: Number(r.at),
  };
}

/** Stored personas are the JSON the bot wrote; they were validated when imported. */
export function personaFromJson(json: string): Persona {
  return JSON.parse(json) as Persona;
}

export const DAY_MS = 86_400_000;
