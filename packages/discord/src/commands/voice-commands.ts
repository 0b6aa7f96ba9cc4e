import type { ChatInputCommandInteraction } from 'discord.js';
import { type Translator, text } from '../i18n/translate.ts';
import { callerOf } from './caller.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkPersonaSwitch } from './permissions.ts';
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
    return plain(tr.t('voice.optout.done'));
  }
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
