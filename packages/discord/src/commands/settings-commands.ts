import type { GuildSettings, SettingsPatch } from '@troupe/store';
import { ChannelType, type ChatInputCommandInteraction } from 'discord.js';
import type { Translator } from '../i18n/translate.ts';
import { MAX_RETENTION_DAYS } from '../memory/scene-memory-store.ts';
import { guildVadProblems } from '../voice/turn-detection.ts';
import { callerOf } from './caller.ts';
import { assertOwnChannel } from './channels.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { vadOf } from './join-leave.ts';
import { checkAdmin } from './permissions.ts';
import { type MessageBody, plain } from './reply.ts';

/**
 * What `/settings vad` accepts (the store keeps the same ranges): a turn needs at least 100 ms of
 * silence to end, padding beyond 5 s only delays speech, and energy is a fraction of full scale.
 */
export const VAD_LIMITS = {
  silenceMs: { min: 100, max: 10_000 },
  paddingMs: { min: 0, max: 5_000 },
  energy: { min: 0, max: 1 },
} as const;

/** `/settings show|default-persona|transcripts|cap|switch-role|vad` (admins). */
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
    next = await ctx.store.getSettings(guildId);
  } else if (sub === 'default-persona') {
    const id = i.options.getString('persona', true);
    const entry = await ctx.registry.get(guildId, id);
    if (!entry) throw new UserError('error.unknownPersona', { id: echo(id) });
    next = await ctx.store.updateSettings(guildId, { defaultPersona: entry.persona.id });
  } else if (sub === 'transcripts') {
    const enabled = i.options.getBoolean('enabled', true);
    const channel = i.options.getChannel('channel');
    if (channel) assertOwnChannel(i, channel);
    if (channel && channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildVoice) {
      throw new UserError('settings.cannotHoldMessages', { name: echo(channel.name) });
    }
    next = await ctx.store.updateSettings(guildId, {
      transcriptsEnabled: enabled,
      ...(channel ? { transcriptsChannelId: channel.id } : {}),
    });
  } else if (sub === 'cap') {
    const minutes = i.options.getInteger('minutes', true);
    if (minutes < 0 || minutes > 1440) throw new UserError('settings.minutesRange');
    next = await ctx.store.updateSettings(guildId, { dailyCapMinutes: minutes === 0 ? null : minutes });
  } else if (sub === 'memory') {
    const days = i.options.getInteger('days', true);
    if (days < 0 || days > MAX_RETENTION_DAYS) throw new UserError('settings.daysRange');
    if (!ctx.sceneMemory) throw new UserError('settings.memoryUnavailable');
    await ctx.sceneMemory.setRetentionDays(guildId, days);
    next = await ctx.store.getSettings(guildId);
  } else if (sub === 'switch-role') {
    const role = i.options.getRole('role');
    next = await ctx.store.updateSettings(guildId, { personaSwitchRoleId: role?.id ?? null });
  } else if (sub === 'vad') {
    next = await ctx.store.updateSettings(guildId, vadPatch(ctx, i));
  } else {
    throw new UserError('error.unknownSubcommand', { sub: echo(sub) });
  }
  const retention = await ctx.sceneMemory?.retentionDays(guildId);
  const lines = [
    tr.t(sub === 'show' ? 'settings.current' : 'settings.saved'),
    await formatSettings(ctx, tr, next, retention),
  ];
  if (sub === 'vad' && ctx.voice.get(guildId)) lines.push(tr.t('settings.vadNextJoin'));
  return plain(lines.join('\n'));
}

/** The VAD fields `/settings vad` changes; `reset` first puts all three back to the defaults. */
function vadPatch(ctx: CommandContext, i: ChatInputCommandInteraction<'cached'>): SettingsPatch {
  const silence = i.options.getInteger('silence-ms');
  const padding = i.options.getInteger('padding-ms');
  const energy = i.options.getNumber('energy');
  const within = (v: number | null, r: { min: number; max: number }) =>
    v === null || (Number.isFinite(v) && v >= r.min && v <= r.max);
  if (
    !within(silence, VAD_LIMITS.silenceMs) ||
    !within(padding, VAD_LIMITS.paddingMs) ||
    !within(energy, VAD_LIMITS.energy)
  )
    throw new UserError('settings.vadRange');
  const patch: SettingsPatch = i.options.getBoolean('reset')
    ? { vadSilenceMs: null, vadPrefixPaddingMs: null, vadEnergyThreshold: null }
    : {};
  if (silence !== null) patch.vadSilenceMs = silence;
  if (padding !== null) patch.vadPrefixPaddingMs = padding;
  if (energy !== null) patch.vadEnergyThreshold = energy;
  // The provider in use must take every value as well (its documented ranges).
  const problems = guildVadProblems(
    { silenceMs: silence, prefixPaddingMs: padding, energyThreshold: energy },
    ctx.vadSpec,
  );
  if (problems.length > 0) {
    ctx.logger.info({ guildId: i.guildId, problems }, 'VAD settings refused by the provider profile');
    throw new UserError('settings.vadUnsupported', { problems: problems.join('; ') });
  }
  return patch;
}

/** Human-readable settings summary. */
export async function formatSettings(
  ctx: CommandContext,
  tr: Translator,
  s: GuildSettings,
  /** Days scene memory is kept; undefined when the bot stores none. */
  retentionDays?: number,
): Promise<string> {
  const def = await ctx.registry.defaultFor(s.guildId);
  const transcripts = !s.transcriptsEnabled
    ? tr.t('settings.transcriptsOff')
    : s.transcriptsChannelId
      ? tr.t('settings.transcriptsIn', { channel: s.transcriptsChannelId })
      : tr.t('settings.transcriptsVoiceChat');
  const vad = vadOf(s);
  const ms = (v: number | null | undefined) => (v == null ? tr.t('settings.vadDefault') : `${v} ms`);
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
    tr.t('settings.vad', {
      silence: ms(vad.silenceMs),
      padding: ms(vad.prefixPaddingMs),
      energy: vad.energyThreshold == null ? tr.t('settings.vadDefault') : String(vad.energyThreshold),
    }),
  ].join('\n');
}
