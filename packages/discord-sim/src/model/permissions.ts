import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelState, GuildState } from './types.ts';

const ALL = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

/** Guild-level permissions of a member: @everyone | roles, Administrator ⇒ everything (owner too). */
export function basePermissions(guild: GuildState, userId: string): bigint {
  if (guild.ownerId === userId) return ALL;
  const member = guild.members.get(userId);
  let perms = guild.roles.find((r) => r.id === guild.id)?.permissions ?? 0n;
  for (const roleId of member?.roles ?? [])
    perms |= guild.roles.find((r) => r.id === roleId)?.permissions ?? 0n;
  return (perms & PermissionFlagsBits.Administrator) !== 0n ? ALL : perms;
}

/** Channel permissions, applying overwrites in Discord's order: @everyone, roles (merged), member. */
export function channelPermissions(guild: GuildState, channel: ChannelState, userId: string): bigint {
  let perms = basePermissions(guild, userId);
  if ((perms & PermissionFlagsBits.Administrator) !== 0n) return ALL;
  const everyone = channel.overwrites.find((o) => o.id === guild.id);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  const roles = guild.members.get(userId)?.roles ?? [];
  let allow = 0n;
  let deny = 0n;
  for (const o of channel.overwrites) {
    if (o.type === 0 && o.id !== guild.id && roles.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const member = channel.overwrites.find((o) => o.type === 1 && o.id === userId);
  if (member) perms = (perms & ~member.deny) | member.allow;
  return perms;
}
