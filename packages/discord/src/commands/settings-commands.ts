import { ChannelType, type ChatInputCommandInteraction } from 'discord.js';
import type { Translator } from '../i18n/translate.ts';
import { MAX_RETENTION_DAYS } from '../memory/scene-memory-store.ts';
import type { GuildSettings } from '../store/store.ts';
import { callerOf } from './caller.ts';
import { assertOwnChannel } from './channels.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkAdmin } from './permissions.ts';
import { type MessageBody, plain } from './reply.ts';

/** `/settings show|default-persona|transcripts|cap|switch-role` (admins). */
export async function handleSettings(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const perm = checkAdmin(callerOf(i), 'action.settings');
  if (!perm.ok) throw new UserError(perm.reason);
  const guildId = i.guildId;
  const sub = i.options.getSubcommand();
  let next: GuildSettings;
  if (sub === 'show') {
    next = ctx.store.getSettings(guildId);
  } else if (sub === 'default-persona') {
    const id = i.options.getString('persona', true);
    const entry = ctx.registry.get(guildId, id);
    if (!entry) throw new UserError('error.unknownPersona', { id: echo(id) });
    next = ctx.store.updateSettings(guildId, { defaultPersona: entry.persona.id });
  } else if (sub === 'transcripts') {
    const enabled = i.options.getBoolean('enabled', true);
    const channel = i.options.getChannel('channel');
    if (channel) assertOwnChannel(i, channel);
    if (channel && channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildVoice) {
      throw new UserError('settings.cannotHoldMessages', { name: echo(channel.name) });
    }
    next = ctx.store.updateSettings(guildId, {
      transcriptsEnabled: enabled,
      ...(channel ? { transcriptsChannelId: channel.id } : {}),
    });
  } else if (sub === 'cap') {
    const minutes = i.options.getInteger('minutes', true);
    if (minutes < 0 || minutes > 1440) throw new UserError('settings.minutesRange');
    next = ctx.store.updateSettings(guildId, { dailyCapMinutes: minutes === 0 ? null : minutes });
  } else if (sub === 'memory') {
    const days = i.options.getInteger('days', true);
    if (days < 0 || days > MAX_RETENTION_DAYS) throw new UserError('settings.daysRange');
    if (!ctx.sceneMemory) throw new UserError('settings.memoryUnavailable');
    await ctx.sceneMemory.setRetentionDays(guildId, days);
    next = ctx.store.getSettings(guildId);
  } else if (sub === 'switch-role') {
    const role = i.options.getRole('role');
    next = ctx.store.updateSettings(guildId, { personaSwitchRoleId: role?.id ?? null });
  } else {
    throw new UserError('error.unknownSubcommand', { sub: echo(sub) });
  }
  const retention = await ctx.sceneMemory?.retentionDays(guildId);
  return plain(
    `${tr.t(sub === 'show' ? 'settings.current' : 'settings.saved')}\n${formatSettings(ctx, tr, next, retention)}`,
  );
}

/** Human-readable settings summary. */
export function formatSettings(
  ctx: CommandContext,
  tr: Translator,
  s: GuildSettings,
  /** Days scene memory is kept; undefined when the bot stores none. */
  retentionDays?: number,
): string {
  const def = ctx.registry.defaultFor(s.guildId);
  const transcripts = !s.transcriptsEnabled
    ? tr.t('settings.transcriptsOff')
    : s.transcriptsChannelId
      ? tr.t('settings.transcriptsIn', { channel: s.transcriptsChannelId })
      : tr.t('settings.transcriptsVoiceChat');
  return [
    tr.t('settings.defaultPersona', { persona: def.name, id: def.id }),
    transcripts,
    s.dailyCapMinutes ? tr.t('settings.cap', { minutes: s.dailyCapMinutes }) : tr.t('settings.capNone'),
    s.personaSwitchRoleId
      ? tr.t('settings.switchRole', { role: s.personaSwitchRoleId })
      : tr.t('settings.switchEveryone'),
    retentionDays === undefined
      ? tr.t('settings.memoryNone')
      : retentionDays === 0
        ? tr.t('settings.memoryOff')
        : tr.t('settings.memory', { days: retentionDays }),
  ].join('\n');
}
