import { type ChatInputCommandInteraction, GuildMember, PermissionFlagsBits } from 'discord.js';
import type { Caller } from './permissions.ts';

/** Extracts the permission-relevant facts about whoever ran the command. */
export function callerOf(interaction: ChatInputCommandInteraction): Caller {
  const member = interaction.member;
  let roleIds: string[] = [];
  if (member instanceof GuildMember) roleIds = [...member.roles.cache.keys()];
  else if (member && Array.isArray(member.roles)) roleIds = member.roles;
  const perms = interaction.memberPermissions;
  return {
    userId: interaction.user.id,
    roleIds,
    isAdmin:
      !!perms && (perms.has(PermissionFlagsBits.ManageGuild) || perms.has(PermissionFlagsBits.Administrator)),
  };
}
