import { ChannelType, type ChatInputCommandInteraction, type VoiceBasedChannel } from 'discord.js';
import { callerOf } from './caller.ts';
import { assertOwnChannel } from './channels.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkPersonaSwitch } from './permissions.ts';

/** `/join [channel] [persona]`. */
export async function handleJoin(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
): Promise<string> {
  const guildId = i.guildId;
  const option = i.options.getChannel('channel');
  let channel: VoiceBasedChannel | null = null;
  if (option) {
    assertOwnChannel(i, option);
    if (option.type !== ChannelType.GuildVoice && option.type !== ChannelType.GuildStageVoice) {
      throw new UserError(`${option.name} is not a voice channel. Pick a voice channel for \`channel\`.`);
    }
    channel = option as VoiceBasedChannel;
  } else {
    channel = i.member.voice.channel;
  }
  if (!channel) {
    throw new UserError('Join a voice channel first, or name one with `/join channel:<voice channel>`.');
  }
  const personaId = i.options.getString('persona');
  const entry = personaId ? ctx.registry.get(guildId, personaId) : undefined;
  if (personaId && !entry) {
    throw new UserError(
      `No persona called ${echo(personaId)} here. See \`/persona list\` for the ids you can use.`,
    );
  }
  const persona = entry?.persona ?? ctx.registry.defaultFor(guildId);
  const settings = ctx.store.getSettings(guildId);
  if (personaId && persona.id !== ctx.registry.defaultFor(guildId).id) {
    const perm = checkPersonaSwitch(callerOf(i), settings);
    if (!perm.ok) throw new UserError(perm.reason);
  }
  const existing = ctx.voice.get(guildId);
  if (existing) return alreadyThere(channel.id, existing.channelId, existing.persona.name);
  const cap = ctx.usage.checkJoin(guildId);
  if (!cap.allowed) throw new UserError(cap.message);
  try {
    // Exclusive: a /join racing this one (another channel, or someone else in this one) is waited
    // for, and then this one is answered as if it had come second.
    await ctx.voice.join(channel, persona, {
      exclusive: true,
      onQueued: () => {
        i.editReply(
          `⏳ Joining <#${channel.id}>… Discord limits how fast a bot may join voice channels, so this can take up to a minute.`,
        ).catch(() => undefined);
      },
    });
  } catch (err) {
    // VoiceJoinError carries a user-facing message (e.g. which permission is missing).
    const e = err as { name?: unknown; message?: unknown; userMessage?: unknown; channelId?: unknown };
    if (e.name === 'VoiceBusyError' && typeof e.channelId === 'string')
      return alreadyThere(channel.id, e.channelId, String((err as { personaName?: unknown }).personaName));
    if (typeof e.userMessage === 'string') throw new UserError(e.userMessage);
    if (e.name === 'VoiceJoinError' && typeof e.message === 'string') throw new UserError(e.message);
    throw err;
  }
  // Remembered so that a restart after a crash can rejoin (see voice-restore.ts); not if a racing
  // /leave already ended it.
  if (ctx.voice.get(guildId)?.channelId === channel.id)
    ctx.store.setVoiceSession(guildId, channel.id, persona.id);
  return `🎭 **${persona.name}** joined <#${channel.id}>. Just talk! \`/voice optout\` if you'd rather not be heard, \`/leave\` to end.`;
}

/** The answer when the guild's persona is already in voice: here (fine) or elsewhere (refused). */
function alreadyThere(wanted: string, current: string, personaName: string): string {
  if (current === wanted)
    return `${personaName} is already in <#${current}>. Use \`/persona set\` to switch character.`;
  throw new UserError(
    `${personaName} is already talking in <#${current}>. Use \`/leave\` first, then \`/join\` again.`,
  );
}

/** `/leave`. */
export async function handleLeave(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
): Promise<string> {
  const session = ctx.voice.get(i.guildId);
  const left = await ctx.voice.leave(i.guildId, 'left');
  if (!left) throw new UserError('No persona is in a voice channel on this server. Start one with `/join`.');
  return `👋 ${session?.persona.name ?? 'The persona'} left the voice channel.`;
}
