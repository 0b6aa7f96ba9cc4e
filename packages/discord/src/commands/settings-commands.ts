import { ChannelType, type ChatInputCommandInteraction } from 'discord.js';
import type { GuildSettings } from '../store/store.ts';
import { callerOf } from './caller.ts';
import { assertOwnChannel } from './channels.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkAdmin } from './permissions.ts';

/** `/settings show|default-persona|transcripts|cap|switch-role` (admins). */
export async function handleSettings(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
): Promise<string> {
  const perm = checkAdmin(callerOf(i), 'change Troupe settings');
  if (!perm.ok) throw new UserError(perm.reason);
  const guildId = i.guildId;
  const sub = i.options.getSubcommand();
  let next: GuildSettings;
  if (sub === 'show') {
    next = ctx.store.getSettings(guildId);
  } else if (sub === 'default-persona') {
    const id = i.options.getString('persona', true);
    const entry = ctx.registry.get(guildId, id);
    if (!entry) throw new UserError(`No persona called ${echo(id)} here. See \`/persona list\`.`);
    next = ctx.store.updateSettings(guildId, { defaultPersona: entry.persona.id });
  } else if (sub === 'transcripts') {
    const enabled = i.options.getBoolean('enabled', true);
    const channel = i.options.getChannel('channel');
    if (channel) assertOwnChannel(i, channel);
    if (channel && channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildVoice) {
      throw new UserError(`${channel.name} cannot hold messages. Pick a text channel.`);
    }
    next = ctx.store.updateSettings(guildId, {
      transcriptsEnabled: enabled,
      ...(channel ? { transcriptsChannelId: channel.id } : {}),
    });
  } else if (sub === 'cap') {
    const minutes = i.options.getInteger('minutes', true);
    if (minutes < 0 || minutes > 1440) throw new UserError('Minutes must be between 0 (unlimited) and 1440.');
    next = ctx.store.updateSettings(guildId, { dailyCapMinutes: minutes === 0 ? null : minutes });
  } else if (sub === 'switch-role') {
    const role = i.options.getRole('role');
    next = ctx.store.updateSettings(guildId, { personaSwitchRoleId: role?.id ?? null });
  } else {
    throw new UserError(`Unknown subcommand ${echo(sub)}. Redeploy the commands (\`pnpm deploy-commands\`).`);
  }
  return `${sub === 'show' ? '⚙️ Current settings' : '✅ Saved'}\n${formatSettings(ctx, next)}`;
}

/** Human-readable settings summary. */
export function formatSettings(ctx: CommandContext, s: GuildSettings): string {
  const def = ctx.registry.defaultFor(s.guildId);
  return [
    `• Default persona: **${def.name}** \`${def.id}\``,
    `• Transcripts: ${s.transcriptsEnabled ? `on, in ${s.transcriptsChannelId ? `<#${s.transcriptsChannelId}>` : 'the voice channel chat'}` : 'off'}`,
    `• Daily cap: ${s.dailyCapMinutes ? `${s.dailyCapMinutes} min` : 'unlimited'}`,
    `• Persona switching: ${s.personaSwitchRoleId ? `<@&${s.personaSwitchRoleId}> and admins` : 'everyone'}`,
  ].join('\n');
}
