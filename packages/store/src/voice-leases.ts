// Voice session ownership: a lease per guild, taken and renewed on the database's clock so hosts
// with skewed clocks still agree. A claim succeeds only where nobody holds a live lease (even the
// same host id: a restarted host waits for its old lease to run out), and every later write is
// fenced by the lease id, so a host that lost its lease cannot overwrite the new owner's record.
import { randomUUID } from 'node:crypto';
import { byCodeUnits, sessionFromRow, type VoiceSessionRow } from './rows.ts';
import type { SqlDriver, SqlValue } from './sql-driver.ts';
import type {
  ClaimRequest,
  ClaimResult,
  ShardFilter,
  StoredVoiceSession,
  VoiceSessionLease,
} from './types.ts';
import { parseClaim, parseShardFilter, requireId } from './validate.ts';

const SESSION_COLUMNS = 'guild_id, channel_id, persona_id, started_at, owner_host, lease_expires_at';

export async function claimVoiceSession(driver: SqlDriver, request: ClaimRequest): Promise<ClaimResult> {
  const r = parseClaim(request);
  const now = driver.nowSql;
  for (let attempt = 0; attempt < 3; attempt++) {
    const leaseId = randomUUID();
    const [won] = await driver.all<{ lease_expires_at: number }>(
      `INSERT INTO voice_sessions
           (guild_id, channel_id, persona_id, started_at, owner_host, lease_id, lease_expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ${now} + ?)
         ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,
           persona_id = excluded.persona_id, started_at = excluded.started_at, owner_host = excluded.owner_host,
           lease_id = excluded.lease_id, lease_expires_at = excluded.lease_expires_at
         WHERE voice_sessions.lease_id IS NULL OR voice_sessions.lease_expires_at <= ${now}
         RETURNING lease_expires_at`,
      [r.guildId, r.channelId, r.personaId, r.startedAt, r.hostId, leaseId, r.ttlMs],
    );
    if (won) {
      const lease = { guildId: r.guildId, hostId: r.hostId, leaseId, ttlMs: r.ttlMs };
      return { ok: true, lease: { ...lease, expiresAt: Number(won.lease_expires_at) } };
    }
    const [holder] = await driver.all<{ owner_host: string; channel_id: string; left_ms: number }>(
      `SELECT owner_host, channel_id, lease_expires_at - ${now} AS left_ms FROM voice_sessions
         WHERE guild_id = ? AND lease_id IS NOT NULL AND lease_expires_at > ${now}`,
      [r.guildId],
    );
    if (holder) {
      const retryAfterMs = Math.max(1, Number(holder.left_ms));
      return { ok: false, holderHostId: holder.owner_host, channelId: holder.channel_id, retryAfterMs };
    }
    // Released or expired between the two statements: claim again.
  }
  throw new Error(`the voice session of guild ${r.guildId} kept changing hands while it was claimed`);
}

export async function renewVoiceSession(
  driver: SqlDriver,
  lease: VoiceSessionLease,
): Promise<VoiceSessionLease | null> {
  const now = driver.nowSql;
  const [row] = await driver.all<{ lease_expires_at: number }>(
    `UPDATE voice_sessions SET lease_expires_at = ${now} + ?
       WHERE guild_id = ? AND lease_id = ? AND lease_expires_at > ${now} RETURNING lease_expires_at`,
    [lease.ttlMs, lease.guildId, lease.leaseId],
  );
  return row ? { ...lease, expiresAt: Number(row.lease_expires_at) } : null;
}

export async function updateVoiceSession(
  driver: SqlDriver,
  lease: VoiceSessionLease,
  change: { channelId?: string; personaId?: string },
): Promise<boolean> {
  const channelId = change.channelId === undefined ? null : requireId('channelId', change.channelId);
  const personaId = change.personaId === undefined ? null : requireId('personaId', change.personaId);
  const n = await driver.run(
    `UPDATE voice_sessions SET channel_id = COALESCE(?, channel_id), persona_id = COALESCE(?, persona_id)
       WHERE guild_id = ? AND lease_id = ? AND lease_expires_at > ${driver.nowSql}`,
    [channelId, personaId, lease.guildId, lease.leaseId],
  );
  return n > 0;
}

export async function releaseVoiceSession(driver: SqlDriver, lease: VoiceSessionLease): Promise<boolean> {
  const n = await driver.run('DELETE FROM voice_sessions WHERE guild_id = ? AND lease_id = ?', [
    lease.guildId,
    lease.leaseId,
  ]);
  return n > 0;
}

function shardWhere(driver: SqlDriver, filter: ShardFilter | undefined): { sql: string; params: SqlValue[] } {
  if (!filter) return { sql: 'TRUE', params: [] };
  const { shardIds, shardCount } = parseShardFilter(filter);
  if (shardIds.length === 0) return { sql: 'FALSE', params: [] };
  return {
    sql: `${driver.shardSql('guild_id')} IN (${shardIds.map(() => '?').join(', ')})`,
    params: [shardCount, ...shardIds],
  };
}

export async function listVoiceSessions(
  driver: SqlDriver,
  filter?: ShardFilter,
): Promise<StoredVoiceSession[]> {
  const where = shardWhere(driver, filter);
  const rows = await driver.all<VoiceSessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM voice_sessions WHERE ${where.sql}`,
    where.params,
  );
  return rows.map(sessionFromRow).sort((a, b) => byCodeUnits(a.guildId, b.guildId));
}

export async function listRestorableSessions(
  driver: SqlDriver,
  hostId: string,
  filter: ShardFilter,
): Promise<StoredVoiceSession[]> {
  const where = shardWhere(driver, filter);
  const rows = await driver.all<VoiceSessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM voice_sessions WHERE ${where.sql}
         AND (lease_id IS NULL OR lease_expires_at <= ${driver.nowSql} OR owner_host = ?)`,
    [...where.params, requireId('hostId', hostId)],
  );
  return rows.map(sessionFromRow).sort((a, b) => byCodeUnits(a.guildId, b.guildId));
}
