import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Default StepFun realtime endpoint and model: every StepFun page and the quick start use
 * `stepaudio-2.5-realtime` (https://platform.stepfun.com/docs/zh/guides/models/stepaudio-2.5-realtime);
 * the launch articles' `step-2.5-realtime` is still accepted, as an alias.
 */
export const DEFAULT_REALTIME_URL = 'wss://api.stepfun.com/v1/realtime';
export const DEFAULT_MODEL = 'stepaudio-2.5-realtime';

/** Validated runtime configuration of the bot. */
export interface BotConfig {
  discordToken: string | undefined;
  discordAppId: string | undefined;
  discordGuildId: string | undefined;
  discordApiUrl: string | undefined;
  stepfunApiKey: string | undefined;
  realtimeUrl: string;
  model: string;
  /** The embedded store's file (TROUPE_DB_PATH), used when there is no `databaseUrl`. */
  dbPath: string;
  /** postgres://… (DATABASE_URL): the store shared by every host. */
  databaseUrl: string | undefined;
  /** This host's name in voice session leases (TROUPE_HOST_ID; default: hostname, plus the shards). */
  hostId: string;
  /** How long a voice session lease lasts unless renewed (VOICE_LEASE_TTL_MS, default 30 s). */
  voiceLeaseTtlMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `json` in production (default), `pretty` for reading logs in a terminal during development. */
  logFormat: 'json' | 'pretty';
  metricsPort: number | undefined;
  /** Bind address of the metrics endpoint (loopback unless set). */
  metricsHost: string | undefined;
  /** How model speech is encoded for Discord (VOICE_PLAYBACK). */
  playbackFormat: 'mono24k' | 'stereo48k';
  /** Opus encoder complexity for model speech (VOICE_OPUS_COMPLEXITY, 0–10). */
  opusComplexity: number;
  shardIds: number[] | undefined;
  shardCount: number | undefined;
  /** Model sessions open at once in this process (MODEL_SESSION_LIMIT; StepFun's lowest tier: about 5). */
  modelSessionLimit: number;
  /** Most characters in one channel's scene (SCENE_MAX_CAST). */
  sceneMaxCast: number;
  /** Days scene lines are kept for guilds that set none (SCENE_MEMORY_DAYS; 0: none stored). */
  sceneMemoryDays: number;
  /** True when no Discord/StepFun credentials are set: only the offline demo can run. */
  offlineDemo: boolean;
  /** Secret values (tokens, keys) that must never appear in logs. */
  secrets: string[];
}

/** Thrown when the environment is unusable; `problems` holds one clear line per bad value. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord snowflake (17-20 digits)');
const optional = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === '' ? undefined : v), s.optional());

const envSchema = z.object({
  DISCORD_TOKEN: optional(
    z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'must look like a bot token (three dot-separated parts)'),
  ),
  DISCORD_APP_ID: optional(snowflake),
  DISCORD_GUILD_ID: optional(snowflake),
  DISCORD_API_URL: optional(z.url({ protocol: /^https?$/ })),
  STEPFUN_API_KEY: optional(z.string().min(8, 'is too short to be an API key')),
  STEPFUN_REALTIME_URL: optional(z.url({ protocol: /^wss?$/ })),
  STEPFUN_MODEL: optional(z.string().min(1)),
  TROUPE_DB_PATH: optional(z.string().min(1)),
  DATABASE_URL: optional(z.string().refine(isPostgresUrl, 'is not a PostgreSQL URL (postgres://…)')),
  TROUPE_HOST_ID: optional(
    z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w.:@/#-]+$/, 'may use letters, digits and . : @ / # - _ only'),
  ),
  VOICE_LEASE_TTL_MS: optional(z.coerce.number().int().min(1000).max(600_000)),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  LOG_FORMAT: optional(z.enum(['json', 'pretty'])),
  METRICS_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  METRICS_HOST: optional(z.string().min(1)),
  VOICE_PLAYBACK: optional(z.enum(['mono24k', 'stereo48k'])),
  VOICE_OPUS_COMPLEXITY: optional(z.coerce.number().int().min(0).max(10)),
  SHARD_IDS: optional(z.string().regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'must be like "0,1,2" or "0-3"')),
  SHARD_COUNT: optional(z.coerce.number().int().min(1)),
  MODEL_SESSION_LIMIT: optional(z.coerce.number().int().min(1).max(100_000)),
  SCENE_MAX_CAST: optional(z.coerce.number().int().min(1).max(10)),
  SCENE_MEMORY_DAYS: optional(z.coerce.number().int().min(0).max(365)),
});

const FIX: Record<string, string> = {
  DISCORD_TOKEN: 'copy the bot token from the Developer Portal (Bot > Reset Token) into .env',
  DISCORD_APP_ID: 'copy the Application ID from the Developer Portal (General Information)',
  DISCORD_GUILD_ID: 'right-click your server with Developer Mode on > Copy Server ID, or unset it',
  DISCORD_API_URL:
    'unset it for real Discord; it is only for the local emulator (http(s)://127.0.0.1:PORT/api)',
  STEPFUN_API_KEY: 'create a key at https://platform.stepfun.com and set STEPFUN_API_KEY',
  STEPFUN_REALTIME_URL: `unset it to use ${DEFAULT_REALTIME_URL}`,
  STEPFUN_MODEL: `unset it to use ${DEFAULT_MODEL}, or set stepaudio-3-realtime-preview`,
  TROUPE_DB_PATH: 'set a writable file path such as ./data/troupe.sqlite',
  DATABASE_URL:
    'write it as postgres://user:password@host:5432/database (percent-encode special characters in the password), or unset it to use the SQLite file',
  TROUPE_HOST_ID:
    'use a short name for this host, e.g. bot-a, or unset it (the hostname and shards are used)',
  VOICE_LEASE_TTL_MS:
    'use 1000-600000 (default 30000: a crashed host’s guilds come back after at most this long), or unset it',
  LOG_LEVEL: 'use one of fatal, error, warn, info, debug, trace, silent',
  LOG_FORMAT: 'use json (production, the default) or pretty (development), or unset it',
  METRICS_PORT: 'use a port number between 1 and 65535, or unset it',
  METRICS_HOST: 'use an address to bind, e.g. 0.0.0.0 inside a container, or unset it for 127.0.0.1',
  VOICE_PLAYBACK:
    'use mono24k (default: Opus at the model rate) or stereo48k (resampled; for clients that mishandle mono)',
  VOICE_OPUS_COMPLEXITY:
    'use 0-10 (default 5: 25 % cheaper than 10 for ~1 dB less waveform SNR on speech), or unset it',
  SHARD_IDS: 'list shard ids like "0,1" or a range "0-3", or unset it',
  SHARD_COUNT: 'use a positive integer, or unset it (discord.js picks the recommended count)',
  MODEL_SESSION_LIMIT:
    'use the number of concurrent realtime sessions your StepFun plan allows this process (default 5, the lowest tier), or unset it',
  SCENE_MAX_CAST: 'use 1-10 characters per channel (default 3), or unset it',
  SCENE_MEMORY_DAYS:
    'use 0-365 days (default 30; 0 stores no scene memory unless a server sets it), or unset it',
};

function isPostgresUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The secret parts of a DATABASE_URL (its password, as written and decoded), for log redaction. */
function databaseSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const { password } = new URL(url);
    return password ? [...new Set([password, decodeURIComponent(password)])] : [];
  } catch {
    return [];
  }
}

/**
 * The default host id: the machine's name, and the shards this process runs (discord.js's
 * ShardingManager gives each child its shard in SHARDS), so processes on one machine differ.
 */
function defaultHostId(env: Record<string, string | undefined>): string {
  const shards = env.SHARDING_MANAGER ? env.SHARDS : env.SHARD_IDS;
  return shards ? `${hostname()}#shards-${shards.replace(/[^\d,-]/g, '')}` : hostname();
}

/** Parses "0,2-4" into [0,2,3,4]. */
export function parseShardIds(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined) continue;
    for (let i = a; i <= (b ?? a); i++) ids.push(i);
  }
  return ids;
}

/**
 * Validates `env` into a {@link BotConfig}. `requireCredentials` (the real bot) turns missing
 * Discord/StepFun credentials into errors; otherwise their absence switches to offline-demo mode.
 * Throws {@link ConfigError} with one line per problem; secret values never appear in it.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  opts: { requireCredentials?: boolean } = {},
): BotConfig {
  const result = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]);
      problems.push(
        `${key} ${issue.message.replace(/^Invalid (input|option):?\s*/i, 'is invalid: ')} — ${FIX[key] ?? 'fix it'}`,
      );
    }
    throw new ConfigError(problems);
  }
  const e = result.data;
  if (opts.requireCredentials) {
    for (const key of ['DISCORD_TOKEN', 'DISCORD_APP_ID', 'STEPFUN_API_KEY'] as const) {
      if (!e[key]) problems.push(`${key} is missing (needed to run the real bot) — ${FIX[key]}`);
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }
  if (e.SHARD_IDS && !e.SHARD_COUNT) {
    throw new ConfigError([
      'SHARD_IDS is set but SHARD_COUNT is not — set SHARD_COUNT to the total number of shards across all hosts (the same on every host)',
    ]);
  }
  if (
    e.METRICS_PORT !== undefined &&
    e.SHARD_COUNT !== undefined &&
    e.METRICS_PORT + e.SHARD_COUNT - 1 > 65535
  ) {
    throw new ConfigError([
      `METRICS_PORT ${e.METRICS_PORT} leaves no room for ${e.SHARD_COUNT} shards (shard N serves metrics on METRICS_PORT + N under pnpm shard) — use a lower METRICS_PORT`,
    ]);
  }
  if (e.SHARD_IDS && e.SHARD_COUNT) {
    const bad = parseShardIds(e.SHARD_IDS).filter((id) => id >= (e.SHARD_COUNT ?? 0));
    if (bad.length > 0) {
      throw new ConfigError([
        `SHARD_IDS contains ${bad.join(',')} but SHARD_COUNT is ${e.SHARD_COUNT} — ids must be < count`,
      ]);
    }
  }
  return {
    discordToken: e.DISCORD_TOKEN,
    discordAppId: e.DISCORD_APP_ID,
    discordGuildId: e.DISCORD_GUILD_ID,
    discordApiUrl: e.DISCORD_API_URL,
    stepfunApiKey: e.STEPFUN_API_KEY,
    realtimeUrl: e.STEPFUN_REALTIME_URL ?? DEFAULT_REALTIME_URL,
    model: e.STEPFUN_MODEL ?? DEFAULT_MODEL,
    dbPath: e.TROUPE_DB_PATH ?? './data/troupe.sqlite',
    databaseUrl: e.DATABASE_URL,
    hostId: e.TROUPE_HOST_ID ?? defaultHostId(env),
    voiceLeaseTtlMs: e.VOICE_LEASE_TTL_MS ?? 30_000,
    logLevel: e.LOG_LEVEL ?? 'info',
    logFormat: e.LOG_FORMAT ?? 'json',
    // Under discord.js's ShardingManager every shard is a process of its own: shard N serves its
    // metrics on METRICS_PORT + N, so one METRICS_PORT setting covers every process of a host.
    metricsPort:
      e.METRICS_PORT === undefined
        ? undefined
        : e.METRICS_PORT + (env.SHARDING_MANAGER ? Number(env.SHARDS ?? 0) || 0 : 0),
    metricsHost: e.METRICS_HOST,
    playbackFormat: e.VOICE_PLAYBACK ?? 'mono24k',
    opusComplexity: e.VOICE_OPUS_COMPLEXITY ?? 5,
    shardIds: e.SHARD_IDS ? parseShardIds(e.SHARD_IDS) : undefined,
    shardCount: e.SHARD_COUNT,
    modelSessionLimit: e.MODEL_SESSION_LIMIT ?? 5,
    sceneMaxCast: e.SCENE_MAX_CAST ?? 3,
    sceneMemoryDays: e.SCENE_MEMORY_DAYS ?? 30,
    offlineDemo: !e.DISCORD_TOKEN && !e.STEPFUN_API_KEY,
    secrets: [e.DISCORD_TOKEN, e.STEPFUN_API_KEY, ...databaseSecrets(e.DATABASE_URL)].filter(
      (s): s is string => !!s,
    ),
  };
}

/**
 * Loads `.env` (if present, without overriding the real environment) and parses `process.env`.
 * `TROUPE_ENV_FILE` names another file, or `none` to read no file at all.
 */
export function loadConfig(opts: { requireCredentials?: boolean; envFile?: string } = {}): BotConfig {
  const chosen = opts.envFile ?? process.env.TROUPE_ENV_FILE;
  // `pnpm start` runs inside apps/discord-bot while .env lives at the repo root: try both.
  const candidates =
    chosen === 'none' ? [] : chosen ? [chosen] : ['.env', resolve(import.meta.dirname, '../../../.env')];
  const file = candidates.map((c) => resolve(c)).find((c) => existsSync(c));
  if (file) process.loadEnvFile(file);
  return parseConfig(process.env, opts);
}
