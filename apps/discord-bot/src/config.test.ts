import { describe, expect, it } from 'vitest';
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
});
