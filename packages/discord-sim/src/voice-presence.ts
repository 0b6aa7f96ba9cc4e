import {
  GatewayDispatchEvents,
  type GatewayVoiceStateUpdateData,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import type { GatewayServer } from './gateway/gateway-server.ts';
import { channelPermissions } from './model/permissions.ts';
import { apiMember, apiVoiceState } from './model/serialize.ts';
import type { GuildState } from './model/types.ts';
import type { World } from './model/world.ts';
import type { DaveHub } from './voice/dave-hub.ts';
import type { VoiceServer } from './voice/voice-server.ts';
import type { VoiceSession } from './voice/voice-session.ts';

/** Who sits in which voice channel, and the gateway/voice signalling that follows from it. */
export class VoicePresence {
  private readonly world: World;
  private readonly gateway: () => GatewayServer;
  private readonly voice: () => VoiceServer;
  private readonly dave: () => DaveHub;

  constructor(world: World, gateway: () => GatewayServer, voice: () => VoiceServer, dave: () => DaveHub) {
    this.world = world;
    this.gateway = gateway;
    this.voice = voice;
    this.dave = dave;
  }

  usersInChannel(channelId: string): string[] {
    const out: string[] = [];
    for (const g of this.world.guilds.values())
      for (const v of g.voiceStates.values()) if (v.channelId === channelId) out.push(v.userId);
    return out;
  }

  /** Simulated humans (not bot accounts) in a channel: the sim plays their clients. */
  simUsersInChannel(channelId: string): string[] {
    return this.usersInChannel(channelId).filter((u) => !this.world.users.get(u)?.bot);
  }

  /** A bot's op 4: update its voice state, then hand it a voice server (as Discord does). */
  onBotVoiceStateUpdate(d: GatewayVoiceStateUpdateData, botId: string): void {
    const guild = this.world.guilds.get(d.guild_id);
    const sessionId = this.gateway().sessionIdOf(botId);
    if (!guild || !sessionId) return;
    if (d.channel_id === null) {
      guild.voiceStates.delete(botId);
      this.voice().end(guild.id, botId);
      this.dispatchState(guild, botId, null, sessionId);
      return;
    }
    const channel = guild.channels.find((c) => c.id === d.channel_id && c.type !== 'text');
    // Without Connect Discord silently ignores the request; the client times out in Signalling.
    if (!channel || (channelPermissions(guild, channel, botId) & PermissionFlagsBits.Connect) === 0n) return;
    guild.voiceStates.set(botId, {
      userId: botId,
      channelId: channel.id,
      sessionId,
      selfMute: d.self_mute,
      selfDeaf: d.self_deaf,
      suppress: channel.type === 'stage',
    });
    this.dispatchState(guild, botId, channel.id, sessionId);
    const token = this.voice().prepare(guild.id, channel.id, botId, sessionId);
    this.gateway().dispatchToUser(botId, GatewayDispatchEvents.VoiceServerUpdate, {
      token,
      guild_id: guild.id,
      endpoint: this.voice().endpoint,
    });
  }

  /** Discord removed a bot from voice (4014): tell the clients its voice state is gone. */
  onBotDisconnected(session: VoiceSession): void {
    const guild = this.world.guilds.get(session.guildId);
    if (!guild) return;
    guild.voiceStates.delete(session.userId);
    this.dispatchState(guild, session.userId, null, session.sessionId);
  }

  /** A simulated user joins (or moves to) a voice channel. */
  join(userRef: string, channelRef: string): void {
    const user = this.world.user(userRef);
    const channel = this.world.channel(channelRef);
    if (channel.type === 'text') throw new Error(`channel "${channel.name}" is not a voice channel`);
    const guild = this.world.guild(channel.guildId);
    if (!guild.members.has(user.id))
      throw new Error(`user "${user.username}" is not a member of guild "${guild.name}"`);
    this.leave(userRef, { quiet: true });
    guild.voiceStates.set(user.id, {
      userId: user.id,
      channelId: channel.id,
      sessionId: `s-${user.id}`,
      selfMute: false,
      selfDeaf: false,
      suppress: channel.type === 'stage',
    });
    this.dispatchState(guild, user.id, channel.id, `s-${user.id}`);
    // Clients Connect first: clients check add proposals against the users it announced.
    for (const s of this.voice().sessionsInChannel(channel.id))
      if (s.key) this.voice().send(s, VoiceOpcodes.ClientsConnect, { user_ids: [user.id] });
    this.dave().simJoined(channel.id, user.id);
  }

  /** A simulated user leaves voice. */
  leave(userRef: string, opts: { quiet?: boolean } = {}): void {
    const user = this.world.user(userRef);
    for (const guild of this.world.guilds.values()) {
      const state = guild.voiceStates.get(user.id);
      if (!state) continue;
      guild.voiceStates.delete(user.id);
      for (const s of this.voice().sessionsInChannel(state.channelId)) {
        if (!s.key) continue;
        s.mapped.delete(user.id);
        this.voice().send(s, VoiceOpcodes.ClientDisconnect, { user_id: user.id });
      }
      this.dave().simLeft(user.id);
      if (!opts.quiet) this.dispatchState(guild, user.id, null, state.sessionId);
    }
  }

  private dispatchState(
    guild: GuildState,
    userId: string,
    channelId: string | null,
    sessionId: string,
  ): void {
    const m = guild.members.get(userId);
    const u = this.world.users.get(userId);
    const member = m && u ? apiMember(m, u) : undefined;
    const state = guild.voiceStates.get(userId);
    const data =
      state && channelId
        ? apiVoiceState(guild.id, state, member)
        : apiVoiceState(guild.id, { userId, channelId: null, sessionId }, member);
    this.gateway().broadcast(GatewayDispatchEvents.VoiceStateUpdate, data);
  }
}
