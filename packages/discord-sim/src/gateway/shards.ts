// Gateway sharding as Discord documents it (https://discord.com/developers/docs/events/gateway#sharding):
// a session identifies with `shard: [shard_id, num_shards]` and receives the events of the guilds
// where `(guild_id >> 22) % num_shards == shard_id`; direct messages go to shard 0 only. An invalid
// shard closes the connection with 4010; a shard that would hold too many guilds with 4011
// ("Sharding required": https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes).
// Written from those pages alone; nothing here knows the bot.
import { GatewayDispatchEvents } from 'discord-api-types/v10';

/** `[shard_id, num_shards]`. */
export type Shard = readonly [id: number, count: number];

/** A session that sent no `shard` handles every guild, as shard 0 of 1. */
export const UNSHARDED: Shard = [0, 1];

/** Discord's limit before it requires sharding (per shard). */
export const GUILDS_PER_SHARD = 2500;

/** The shard a guild belongs to for `count` shards; an id that is no snowflake counts as shard 0. */
export function shardOfGuild(guildId: string, count: number): number {
  if (!/^\d{1,20}$/.test(guildId) || count <= 1) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** Whether a session of `shard` receives the events of `guildId`. */
export function shardCovers(shard: Shard, guildId: string): boolean {
  return shardOfGuild(guildId, shard[1]) === shard[0];
}

/**
 * The Identify payload's `shard`, checked: absent is unsharded; anything but two integers with
 * 0 <= shard_id < num_shards is the 4010 close.
 */
export function parseIdentifyShard(value: unknown): { ok: true; shard: Shard } | { ok: false } {
  if (value === undefined || value === null) return { ok: true, shard: UNSHARDED };
  if (!Array.isArray(value) || value.length !== 2) return { ok: false };
  const [id, count] = value as unknown[];
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(count)) return { ok: false };
  if ((count as number) < 1 || (id as number) < 0 || (id as number) >= (count as number))
    return { ok: false };
  return { ok: true, shard: [id as number, count as number] };
}

/** Dispatches about a guild carry its id as `id` rather than `guild_id`. */
const GUILD_ITSELF = new Set<string>([
  GatewayDispatchEvents.GuildCreate,
  GatewayDispatchEvents.GuildUpdate,
  GatewayDispatchEvents.GuildDelete,
]);

/** The guild a dispatch is about, or undefined for one that belongs to no guild (READY, DMs). */
export function guildOfDispatch(t: string, d: unknown): string | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  const data = d as { id?: unknown; guild_id?: unknown };
  const id = GUILD_ITSELF.has(t) ? data.id : data.guild_id;
  return typeof id === 'string' ? id : undefined;
}

/** Whether a session of `shard` receives this dispatch: its guild's shard, or shard 0 for the rest. */
export function shardReceives(shard: Shard, t: string, d: unknown): boolean {
  const guildId = guildOfDispatch(t, d);
  return guildId === undefined ? shard[0] === 0 : shardCovers(shard, guildId);
}
