import { ChannelType, type ChatInputCommandInteraction } from 'discord.js';
import { type Translator, text } from '../i18n/translate.ts';
import { callerOf } from './caller.ts';
import { assertOwnChannel } from './channels.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkForget, checkPersonaSwitch } from './permissions.ts';
import { whileInVoice } from './persona-commands.ts';
import { type MessageBody, plain } from './reply.ts';
import { statusEmbed } from './voice-status-embed.ts';

/** `/voice status|reset|optout|optin`. Opting out and in is personal, so it stays private. */
export async function handleVoice(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const sub = i.options.getSubcommand();
  const guildId = i.guildId;
  if (sub === 'optout') {
    await ctx.store.setOptOut(guildId, i.user.id, true);
    // Heard no more from now, forgotten by the running scene, and erased from stored memory.
    ctx.voice.get(guildId)?.optOut(i.user.id);
    const lines = [tr.t('voice.optout.done')];
    const erased = await ctx.sceneMemory?.eraseMember(guildId, i.user.id).catch((err: unknown) => {
      ctx.logger.error({ err, guildId }, 'could not erase an opted-out member’s scene lines');
      return undefined;
    });
    if (erased !== undefined) lines.push(tr.t('voice.optout.erased', { count: erased }));
    return plain(lines.join('\n'));
  }
  if (sub === 'forget') return forgetChannel(ctx, i, tr);
  if (sub === 'optin') {
    await ctx.store.setOptOut(guildId, i.user.id, false);
    return plain(tr.t('voice.optin.done'));
  }
  const session = ctx.voice.get(guildId);
  if (sub === 'status') {
    return statusEmbed(tr, {
      status: session?.status(),
      today: await ctx.usage.today(guildId),
      lastEnd: callerOf(i).isAdmin ? ctx.diagnostics.get(guildId) : undefined,
    });
  }
  if (sub === 'reset') {
    const perm = checkPersonaSwitch(callerOf(i), await ctx.store.getSettings(guildId));
    if (!perm.ok) throw new UserError(perm.reason);
    if (!session) throw new UserError('error.noSession');
    await whileInVoice(ctx, guildId, session.reset(), () => text('voice.reset.endedMeanwhile'));
    const persona = session.persona.name;
    await ctx
      .announce(guildId, session.channelId, (t) =>
        t.t('voice.reset.notice', { user: `<@${i.user.id}>`, persona }),
      )
      .catch((err: unknown) => ctx.logger.warn({ err, guildId }, 'could not post the reset notice'));
    return plain(
      `${tr.t('voice.reset.done', { persona })}\n${tr.t('posted.public', { channel: session.channelId })}`,
    );
  }
  throw new UserError('error.unknownSubcommand', { sub: echo(sub) });
}

/** `/voice forget [channel]`: erases what the characters remember of a channel (public: it changes every character there). */
async function forgetChannel(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const perm = checkForget(callerOf(i), await ctx.store.getSettings(i.guildId));
  if (!perm.ok) throw new UserError(perm.reason);
  const option = i.options.getChannel('channel');
  if (option) {
    assertOwnChannel(i, option);
    if (option.type !== ChannelType.GuildVoice && option.type !== ChannelType.GuildStageVoice)
      throw new UserError('join.notVoice', { name: echo(option.name) });
  }
  const channel = option?.id ?? ctx.voice.get(i.guildId)?.channelId ?? i.member.voice.channel?.id;
  if (!channel) throw new UserError('scene.noChannel');
  if (!ctx.sceneMemory) return plain(tr.t('voice.forget.none'));
  const count = await ctx.sceneMemory.forget(i.guildId, channel);
  await ctx
    .announce(i.guildId, channel, (t) => t.t('voice.forget.notice', { user: `<@${i.user.id}>` }))
    .catch((err: unknown) =>
      ctx.logger.warn({ err, guildId: i.guildId }, 'could not post the forget notice'),
    );
  return plain(`${tr.t('voice.forget.done', { channel, count })}\n${tr.t('posted.public', { channel })}`);
}
