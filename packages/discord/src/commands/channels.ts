import type { ChatInputCommandInteraction } from 'discord.js';
import { UserError } from './context.ts';

/**
 * Refuses a channel option that is not a channel of the guild the command runs in. Discord's own
 * client only offers the server's channels, but the API takes any id: without this check a crafted
 * interaction could point one server's transcripts (or the persona) at another server's channel.
 * The guild comes from the client-wide channel cache: discord.js also files a resolved foreign
 * channel under the interaction's guild (`guild.channels.cache`), so that cache cannot decide it.
 */
export function assertOwnChannel(i: ChatInputCommandInteraction<'cached'>, channel: { id: string }): void {
  const known = i.client.channels.cache.get(channel.id);
  const guildId = known && 'guildId' in known ? known.guildId : undefined;
  if (guildId === i.guildId) return;
  throw new UserError(
    `<#${channel.id}> is not a channel of this server. Pick one of this server's channels from the list.`,
  );
}
