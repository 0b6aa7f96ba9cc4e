import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { shardOptions } from './bot.ts';
import { ConfigError, DEFAULT_MODEL, DEFAULT_REALTIME_URL, parseConfig, parseShardIds } from './config.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123';
const KEY = 'sk-secret-stepfun-key-123456';

describe('parseConfig', () => {
  it('falls back to offline-demo mode with no credentials and applies defaults', () => {
    const c = parseConfig({});
    expect(c.offlineDemo).toBe(true);
    expect(c.realtimeUrl).toBe(DEFAULT_REALTIME_URL);
    expect(c.model).toBe(DEFAULT_MODEL);
    expect(DEFAULT_MODEL).toBe('stepaudio-2.5-realtime');
    expect(c.secrets).toEqual([]);
  });

  it('plays Opus at 24 kHz mono unless VOICE_PLAYBACK asks for 48 kHz stereo, and explains a typo', () => {
    expect(parseConfig({}).playbackFormat).toBe('mono24k');
    expect(parseConfig({ VOICE_PLAYBACK: 'stereo48k', METRICS_HOST: '0.0.0.0' })).toMatchObject({
      playbackFormat: 'stereo48k',
      metricsHost: '0.0.0.0',
    });
    expect(() => parseConfig({ VOICE_PLAYBACK: 'stereo' })).toThrow(/VOICE_PLAYBACK .*mono24k.*stereo48k/s);
    expect(parseConfig({}).opusComplexity).toBe(5);
    expect(() => parseConfig({ VOICE_OPUS_COMPLEXITY: '11' })).toThrow(/VOICE_OPUS_COMPLEXITY .*0-10/s);
  });

  it('logs JSON unless LOG_FORMAT=pretty, and explains a typo', () => {
    expect(parseConfig({}).logFormat).toBe('json');
    expect(parseConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => parseConfig({ LOG_FORMAT: 'colour' })).toThrow(/LOG_FORMAT .*json .*pretty/s);
  });

  it('accepts a complete environment and lists its secrets', () => {
    const c = parseConfig(
      {
        DISCORD_TOKEN: TOKEN,
        DISCORD_APP_ID: '123456789012345678',
        STEPFUN_API_KEY: KEY,
        SHARD_IDS: '0-2',
        SHARD_COUNT: '4',
      },
      { requireCredentials: true },
    );
    expect(c.offlineDemo).toBe(false);
    expect(c.secrets).toEqual([TOKEN, KEY]);
    expect(c.shardIds).toEqual([0, 1, 2]);
  });

  it('reports one clear line per missing credential when the real bot starts', () => {
    const err = (() => {
      try {
        parseConfig({}, { requireCredentials: true });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toHaveLength(3);
    expect(err.problems[0]).toMatch(/^DISCORD_TOKEN is missing .* — copy the bot token/);
  });

  it('reports malformed values with a fix and never echoes the secret', () => {
    const badToken = 'not-a-token-but-secret';
    try {
      parseConfig({
        DISCORD_TOKEN: badToken,
        LOG_LEVEL: 'loud',
        STEPFUN_REALTIME_URL: 'http://x',
        METRICS_PORT: '99999',
      });
      throw new Error('expected a ConfigError');
    } catch (e) {
      const err = e as ConfigError;
      expect(err.problems).toHaveLength(4);
      expect(err.problems.join('\n')).not.toContain(badToken);
      expect(err.problems.some((p) => p.startsWith('LOG_LEVEL') && p.includes('use one of'))).toBe(true);
    }
  });

  it('rejects shard ids outside the shard count', () => {
    expect(() => parseConfig({ SHARD_IDS: '0,5', SHARD_COUNT: '4' })).toThrow(/ids must be < count/);
    expect(parseShardIds('0,2-4')).toEqual([0, 2, 3, 4]);
  });

  it('takes a PostgreSQL DATABASE_URL, keeps its password out of errors and logs', () => {
    const url = 'postgres://bot:p%40ss-w0rd@db.internal:5432/troupe';
    const c = parseConfig({ DATABASE_URL: url });
    expect(c.databaseUrl).toBe(url);
    expect(c.secrets).toEqual(['p%40ss-w0rd', 'p@ss-w0rd']);
    for (const bad of ['mysql://bot:hunter22@db/troupe', 'postgres://:hunter22@/x', 'not a url hunter22']) {
      try {
        parseConfig({ DATABASE_URL: bad });
        throw new Error('expected a ConfigError');
      } catch (e) {
        const [line] = (e as ConfigError).problems;
        expect(line).toMatch(
          /^DATABASE_URL is not a PostgreSQL URL \(postgres:\/\/…\) — write it as postgres:\/\/user:password@host:5432\/database/,
        );
        expect(line).not.toContain('hunter22');
      }
    }
    expect(parseConfig({}).databaseUrl).toBeUndefined();
  });

  it('names this host after the machine and its shards unless TROUPE_HOST_ID says otherwise', () => {
    expect(parseConfig({}).hostId).toBe(hostname());
    expect(parseConfig({ SHARD_IDS: '2-3', SHARD_COUNT: '4' }).hostId).toBe(`${hostname()}#shards-2-3`);
    // A ShardingManager child runs the one shard the manager gave it.
    expect(
      parseConfig({ SHARD_IDS: '0-3', SHARD_COUNT: '4', SHARDING_MANAGER: 'true', SHARDS: '2' }).hostId,
    ).toBe(`${hostname()}#shards-2`);
    expect(parseConfig({ TROUPE_HOST_ID: 'bot-a' }).hostId).toBe('bot-a');
    expect(() => parseConfig({ TROUPE_HOST_ID: 'two words' })).toThrow(/TROUPE_HOST_ID .*letters, digits/s);
  });

  it('bounds the voice lease time and needs SHARD_COUNT with SHARD_IDS', () => {
    expect(parseConfig({}).voiceLeaseTtlMs).toBe(30_000);
    expect(parseConfig({ VOICE_LEASE_TTL_MS: '3000' }).voiceLeaseTtlMs).toBe(3000);
    expect(() => parseConfig({ VOICE_LEASE_TTL_MS: '10' })).toThrow(/VOICE_LEASE_TTL_MS .*1000-600000/s);
    expect(() => parseConfig({ SHARD_IDS: '0-1' })).toThrow(/SHARD_IDS is set but SHARD_COUNT is not/);
  });

  it('gives each ShardingManager child its own metrics port: METRICS_PORT + shard id', () => {
    expect(parseConfig({ METRICS_PORT: '9400' }).metricsPort).toBe(9400);
    expect(
      parseConfig({ METRICS_PORT: '9400', SHARD_COUNT: '8', SHARDING_MANAGER: 'true', SHARDS: '5' })
        .metricsPort,
    ).toBe(9405);
    expect(() => parseConfig({ METRICS_PORT: '65530', SHARD_COUNT: '8' })).toThrow(
      /leaves no room for 8 shards/,
    );
  });

  it('runs the configured shards in one process, or all of SHARD_COUNT, unless a ShardingManager assigns them', () => {
    const c = (env: Record<string, string>) => parseConfig(env);
    expect(shardOptions(c({ SHARD_IDS: '2-3', SHARD_COUNT: '4' }), {})).toEqual({
      shards: [2, 3],
      shardCount: 4,
    });
    expect(shardOptions(c({ SHARD_COUNT: '2' }), {})).toEqual({ shards: [0, 1], shardCount: 2 });
    expect(shardOptions(c({}), {})).toEqual({});
    expect(shardOptions(c({ SHARD_COUNT: '2' }), { SHARDING_MANAGER: 'true' })).toEqual({});
  });
});
