// The bot's effective permissions from Discord's API objects, computed the way Discord does:
// @everyone and the member's roles at the guild level (Administrator or ownership grant all), then
// the channel's overwrites for @everyone, the member's roles (merged) and the member.
// https://discord.com/developers/docs/topics/permissions#permission-overwrites
import { PermissionFlagsBits } from 'discord.js';

export interface ApiRole {
  id: string;
  permissions: string;
}
export interface ApiOverwrite {
  id: string;
  type: number;
  allow: string;
  deny: string;
}
export interface ApiChannel {
  id: string;
  name?: string | null;
  type: number;
  permission_overwrites?: ApiOverwrite[];
}

const ALL = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

export function guildPermissions(o: {
  guildId: string;
  ownerId: string | undefined;
  roles: readonly ApiRole[];
  memberId: string;
  memberRoles: readonly string[];
}): bigint {
  if (o.ownerId === o.memberId) return ALL;
  let perms = BigInt(o.roles.find((r) => r.id === o.guildId)?.permissions ?? '0');
  for (const id of o.memberRoles) perms |= BigInt(o.roles.find((r) => r.id === id)?.permissions ?? '0');
  return (perms & PermissionFlagsBits.Administrator) !== 0n ? ALL : perms;
}

export function channelPermissions(
  base: bigint,
  channel: ApiChannel,
  o: { guildId: string; memberId: string; memberRoles: readonly string[] },
): bigint {
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL;
  const overwrites = channel.permission_overwrites ?? [];
  let perms = base;
  const everyone = overwrites.find((w) => w.id === o.guildId);
  if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const w of overwrites) {
    if (w.type === 0 && w.id !== o.guildId && o.memberRoles.includes(w.id)) {
      allow |= BigInt(w.allow);
      deny |= BigInt(w.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const member = overwrites.find((w) => w.type === 1 && w.id === o.memberId);
  if (member) perms = (perms & ~BigInt(member.deny)) | BigInt(member.allow);
  return perms;
}

/** What Troupe needs in a voice channel, by name. */
export const VOICE_NEEDS = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Connect', PermissionFlagsBits.Connect],
  ['Speak', PermissionFlagsBits.Speak],
  ['Send Messages', PermissionFlagsBits.SendMessages],
] as const;

export function missing(perms: bigint, needs: readonly (readonly [string, bigint])[]): string[] {
  return needs.filter(([, bit]) => (perms & bit) === 0n).map(([name]) => name);
}
