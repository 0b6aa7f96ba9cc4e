// What a /join is refused for before the bot asks Discord for anything: a stage channel, missing
// permissions, a full channel. Each refusal names what is wrong and how to fix it.
import { ChannelType, PermissionFlagsBits, type VoiceBasedChannel } from 'discord.js';
import { VoiceJoinError } from './types.ts';

/**
 * Stage channels are refused: Discord does not end-to-end encrypt them, and a bot joins one as a
 * muted audience member until a moderator invites it to speak.
 */
export function refuseStage(channel: VoiceBasedChannel): void {
  if (channel.type === ChannelType.GuildStageVoice)
    throw new VoiceJoinError(
      `${channel.name} is a stage channel: I would join it muted as audience (a moderator has to invite me to speak) and stage audio is not end-to-end encrypted. Use /join in a regular voice channel instead.`,
    );
}

/** Refuses a join the bot could not carry out, naming exactly what is missing. */
export function checkPermissions(channel: VoiceBasedChannel): void {
  const me = channel.guild.members.me;
  const perms = me ? channel.permissionsFor(me) : null;
  const missing = [
    ['View Channel', PermissionFlagsBits.ViewChannel],
    ['Connect', PermissionFlagsBits.Connect],
    ['Speak', PermissionFlagsBits.Speak],
  ]
    .filter(([, bit]) => !perms?.has(bit as bigint))
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new VoiceJoinError(
      `I need the ${missing.join(', ')} permission${missing.length > 1 ? 's' : ''} in ${channel.name}. Ask a server admin to grant ${missing.length > 1 ? 'them' : 'it'} to my role (channel settings → Permissions).`,
    );
  }
  // Discord keeps anyone without Move Members out of a channel at its user limit, without a word:
  // the join would only time out.
  if (channel.full && !perms?.has(PermissionFlagsBits.MoveMembers)) {
    throw new VoiceJoinError(
      `${channel.name} is full (${channel.userLimit} of ${channel.userLimit} places taken). Ask someone to leave it, raise its user limit, or give my role the Move Members permission, then try /join again.`,
    );
  }
}
