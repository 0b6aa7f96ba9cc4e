// Parses what callers hand the store, once, before any SQL runs: a bad value gets an error that
// names the field and the accepted range, and nothing is written.
import type { ClaimRequest, SceneLine, SettingsPatch } from './types.ts';

/** A caller passed something the store cannot keep; the message says what and how to fix it. */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
}

const ID_MAX = 100;

export function requireId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ID_MAX) {
    throw new StoreInputError(`${field} must be a non-empty string of at most ${ID_MAX} characters`);
  }
  if (value.includes('\u0000')) throw new StoreInputError(`${field} must not contain a NUL character`);
  return value;
}

/** PostgreSQL text cannot hold NUL (SQLite can): spoken text loses it on both, alike. */
const withoutNul = (text: string) => text.replaceAll('\u0000', '');

export function requireDay(day: unknown): string {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new StoreInputError('day must be a UTC date written YYYY-MM-DD (see utcDay)');
  }
  return day;
}

export function requireMs(field: string, value: unknown, options: { round?: boolean } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new StoreInputError(`${field} must be a finite number of milliseconds, 0 or more`);
  }
  return options.round === false ? value : Math.round(value);
}

type FieldRule = (value: unknown) => unknown;

const nullable =
  (rule: FieldRule): FieldRule =>
  (v) =>
    v === null ? null : rule(v);

const idRule = (field: string): FieldRule => nullable((v) => requireId(field, v));

function intRule(field: string, min: number, max: number): FieldRule {
  return nullable((v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new StoreInputError(
        `${field} must be a whole number from ${min} to ${max}, or null for the default`,
      );
    }
    return v;
  });
}

const SETTINGS_RULES: Record<keyof SettingsPatch, FieldRule> = {
  defaultPersona: idRule('defaultPersona'),
  transcriptsEnabled: (v) => {
    if (typeof v !== 'boolean') throw new StoreInputError('transcriptsEnabled must be true or false');
    return v;
  },
  transcriptsChannelId: idRule('transcriptsChannelId'),
  dailyCapMinutes: intRule('dailyCapMinutes', 1, 1440),
  personaSwitchRoleId: idRule('personaSwitchRoleId'),
  vadSilenceMs: intRule('vadSilenceMs', 100, 10_000),
  vadPrefixPaddingMs: intRule('vadPrefixPaddingMs', 0, 5_000),
  vadEnergyThreshold: nullable((v) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new StoreInputError('vadEnergyThreshold must be a number from 0 to 1, or null for the default');
    }
    return v;
  }),
  sceneRetentionDays: intRule('sceneRetentionDays', 0, 3650),
};

/** The settings fields, in the order of their columns. */
export const SETTINGS_FIELDS = Object.keys(SETTINGS_RULES) as (keyof SettingsPatch)[];

/** Returns the patch's fields in column order, each checked; unknown fields are refused. */
export function parseSettingsPatch(patch: unknown): [keyof SettingsPatch, unknown][] {
  if (typeof patch !== 'object' || patch === null)
    throw new StoreInputError('settings patch must be an object');
  const out: [keyof SettingsPatch, unknown][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const rule = SETTINGS_RULES[key as keyof SettingsPatch];
    if (!rule) {
      throw new StoreInputError(`unknown setting "${key}"; known settings: ${SETTINGS_FIELDS.join(', ')}`);
    }
    out.push([key as keyof SettingsPatch, rule(value)]);
  }
  return out;
}

const SCENE_TEXT_MAX = 4000;
const SPEAKER_NAME_MAX = 100;

export function parseSceneLine(line: SceneLine): SceneLine {
  if (line.speakerKind !== 'member' && line.speakerKind !== 'character') {
    throw new StoreInputError('speakerKind must be "member" or "character"');
  }
  if (typeof line.text !== 'string' || line.text.length > SCENE_TEXT_MAX) {
    throw new StoreInputError(`a scene line's text must be a string of at most ${SCENE_TEXT_MAX} characters`);
  }
  if (typeof line.speakerName !== 'string' || line.speakerName.length > SPEAKER_NAME_MAX) {
    throw new StoreInputError(`speakerName must be a string of at most ${SPEAKER_NAME_MAX} characters`);
  }
  return {
    guildId: requireId('guildId', line.guildId),
    channelId: requireId('channelId', line.channelId),
    characterId: requireId('characterId', line.characterId),
    speakerKind: line.speakerKind,
    speakerId: requireId('speakerId', line.speakerId),
    speakerName: withoutNul(line.speakerName),
    text: withoutNul(line.text),
    at: requireMs('at', line.at),
  };
}

const TTL_MAX_MS = 3_600_000;

export function parseClaim(request: ClaimRequest): ClaimRequest & { startedAt: number } {
  const ttl = request.ttlMs;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > TTL_MAX_MS) {
    throw new StoreInputError(`ttlMs must be a whole number of milliseconds from 1 to ${TTL_MAX_MS}`);
  }
  return {
    guildId: requireId('guildId', request.guildId),
    hostId: requireId('hostId', request.hostId),
    channelId: requireId('channelId', request.channelId),
    personaId: requireId('personaId', request.personaId),
    ttlMs: ttl,
    startedAt: request.startedAt === undefined ? Date.now() : requireMs('startedAt', request.startedAt),
  };
}

/** The UTC calendar day ("YYYY-MM-DD") that `ms` falls in. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The shard that owns a guild, as Discord computes it:
 * https://discord.com/developers/docs/events/gateway#sharding ("shard_id = (guild_id >> 22) % num_shards").
 */
export function shardOf(guildId: string, shardCount: number): number {
  if (!/^\d{1,20}$/.test(guildId))
    throw new StoreInputError(`guild id "${guildId}" is not a Discord snowflake`);
  if (!Number.isInteger(shardCount) || shardCount < 1)
    throw new StoreInputError('shardCount must be 1 or more');
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export function parseShardFilter(filter: { shardIds: readonly number[]; shardCount: number }): {
  shardIds: number[];
  shardCount: number;
} {
  const { shardIds, shardCount } = filter;
  if (!Number.isInteger(shardCount) || shardCount < 1)
    throw new StoreInputError('shardCount must be 1 or more');
  for (const id of shardIds) {
    if (!Number.isInteger(id) || id < 0 || id >= shardCount) {
      throw new StoreInputError(`shard id ${id} is outside 0..${shardCount - 1}`);
    }
  }
  return { shardIds: [...shardIds], shardCount };
}

/**
 * A PostgreSQL schema for the store's tables. At most 50 characters: the change channel
 * `troupe_store.<schema>` must stay under PostgreSQL's 64-byte limit for NOTIFY channel names.
 */
export function parseSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,49}$/.test(schema)) {
    throw new StoreInputError(
      'schema must be a lowercase SQL name (letters, digits and _) of at most 50 characters',
    );
  }
  return schema;
}
