// Scene memory: what was said in a channel, per character, kept within each guild's retention.
// Opted-out members' lines are dropped here as well as by the caller.
import { randomUUID } from 'node:crypto';
import { DAY_MS, type SceneLineRow, sceneLineFromRow } from './rows.ts';
import type { SqlDriver } from './sql-driver.ts';
import type { SceneLine, SceneQuery } from './types.ts';
import { parseSceneLine, requireId, requireMs, StoreInputError } from './validate.ts';

const SCENE_COLUMNS = 'guild_id, channel_id, character_id, speaker_kind, speaker_id, speaker_name, text, at';
const SCENE_CHUNK = 100;
const RECENT_LINES_MAX = 1000;

export async function appendSceneLines(
  driver: SqlDriver,
  lines: readonly SceneLine[],
  guild: {
    isOptedOut(guildId: string, userId: string): boolean;
    retentionDays(guildId: string): Promise<number>;
  },
): Promise<number> {
  const parsed = lines.map(parseSceneLine);
  const keep: SceneLine[] = [];
  const retention = new Map<string, number>();
  for (const line of parsed) {
    if (line.speakerKind === 'member' && guild.isOptedOut(line.guildId, line.speakerId)) continue;
    let days = retention.get(line.guildId);
    if (days === undefined) {
      days = await guild.retentionDays(line.guildId);
      retention.set(line.guildId, days);
    }
    if (days > 0) keep.push(line);
  }
  for (let i = 0; i < keep.length; i += SCENE_CHUNK) {
    const chunk = keep.slice(i, i + SCENE_CHUNK);
    await driver.run(
      `INSERT INTO scene_lines (line_id, ${SCENE_COLUMNS}) VALUES
       ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((l) => [
        randomUUID(),
        l.guildId,
        l.channelId,
        l.characterId,
        l.speakerKind,
        l.speakerId,
        l.speakerName,
        l.text,
        l.at,
      ]),
    );
  }
  return keep.length;
}

/** The last `limit` lines within `retentionDays` of `query.now`, oldest first. */
export async function recentSceneLines(
  driver: SqlDriver,
  query: SceneQuery,
  retentionDays: number,
): Promise<SceneLine[]> {
  const { limit } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > RECENT_LINES_MAX) {
    throw new StoreInputError(`limit must be a whole number from 1 to ${RECENT_LINES_MAX}`);
  }
  if (retentionDays === 0) return [];
  const rows = await driver.all<SceneLineRow>(
    `SELECT ${SCENE_COLUMNS} FROM (
       SELECT seq, ${SCENE_COLUMNS} FROM scene_lines
       WHERE guild_id = ? AND channel_id = ? AND character_id = ? AND at >= ?
       ORDER BY at DESC, seq DESC LIMIT ?) recent
     ORDER BY at, seq`,
    [
      requireId('guildId', query.guildId),
      requireId('channelId', query.channelId),
      requireId('characterId', query.characterId),
      requireMs('now', query.now) - retentionDays * DAY_MS,
      limit,
    ],
  );
  return rows.map(sceneLineFromRow);
}

export function forgetGuildScenes(driver: SqlDriver, guildId: string): Promise<number> {
  return driver.run('DELETE FROM scene_lines WHERE guild_id = ?', [requireId('guildId', guildId)]);
}

export function forgetScene(
  driver: SqlDriver,
  guildId: string,
  channelId: string,
  characterId?: string,
): Promise<number> {
  const params = [requireId('guildId', guildId), requireId('channelId', channelId)];
  if (characterId === undefined) {
    return driver.run('DELETE FROM scene_lines WHERE guild_id = ? AND channel_id = ?', params);
  }
  return driver.run('DELETE FROM scene_lines WHERE guild_id = ? AND channel_id = ? AND character_id = ?', [
    ...params,
    requireId('characterId', characterId),
  ]);
}

export function eraseMemberLines(driver: SqlDriver, guildId: string, userId: string): Promise<number> {
  return driver.run(
    "DELETE FROM scene_lines WHERE guild_id = ? AND speaker_id = ? AND speaker_kind = 'member'",
    [requireId('guildId', guildId), requireId('userId', userId)],
  );
}

/** Deletes lines older than each guild's retention, `defaultRetentionDays` where the guild set none. */
export function pruneSceneLines(
  driver: SqlDriver,
  now: number,
  defaultRetentionDays: number,
): Promise<number> {
  return driver.run(
    `DELETE FROM scene_lines WHERE at < CAST(? AS BIGINT) - CAST(? AS BIGINT) * COALESCE(
       (SELECT scene_retention_days FROM guild_settings s WHERE s.guild_id = scene_lines.guild_id), ?)`,
    [requireMs('now', now), DAY_MS, defaultRetentionDays],
  );
}
