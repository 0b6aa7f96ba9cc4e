// What the gateway sends whom, apart from sharding (shards.ts): the intents dispatches need, and
// the answer to Request Guild Members.
import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import { apiUser } from '../model/serialize.ts';
import type { World } from '../model/world.ts';

/**
 * Dispatches a bot receives only with an intent (https://discord.com/developers/docs/events/gateway#list-of-intents);
 * the rest (READY, RESUMED, VOICE_SERVER_UPDATE, INTERACTION_CREATE, ...) need none.
 */
export const REQUIRED_INTENT: Record<string, number> = {
  [GatewayDispatchEvents.GuildCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildMemberAdd]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberUpdate]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberRemove]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.VoiceStateUpdate]: GatewayIntentBits.GuildVoiceStates,
  [GatewayDispatchEvents.PresenceUpdate]: GatewayIntentBits.GuildPresences,
};

/** One GUILD_MEMBERS_CHUNK with every member of the guild (op 8), or undefined for an unknown guild. */
export function membersChunk(world: World, guildId: unknown, nonce: unknown) {
  const guild = world.guilds.get(guildId as string);
  if (!guild) return undefined;
  const members = [...guild.members.values()].map((m) => {
    const user = world.users.get(m.userId);
    return {
      user: user ? apiUser(user) : undefined,
      roles: m.roles,
      nick: m.nick,
      joined_at: m.joinedAt,
      deaf: false,
      mute: false,
      flags: 0,
    };
  });
  return { guild_id: guild.id, members, chunk_index: 0, chunk_count: 1, nonce };
}
