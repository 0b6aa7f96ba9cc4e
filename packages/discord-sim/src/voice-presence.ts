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
import type { VoiceServer } from './voice/voice-server.ts';
import type { VoiceSession } from './voice/voice-session.ts';

/** Who sits in which voice channel, and the gateway/voice signalling that follows from it. */
export class VoicePresence {
  private readonly world: World;
  private readonly gateway: () => GatewayServer;
  private readonly voice: () => VoiceServer;

  constructor(world: World, gateway: () => GatewayServer, voice: () => VoiceServer) {
    this.world = world;
    this.gateway = gateway;
    this.voice = voice;
  }

  usersInChannel(channelId: string): string[] {
    const out: string[] = [];
    for (const g of this.world.guilds.values())
      for (const v of g.voiceStates.values()) if (v.channelId === channelId) out.push(v.userId);
    return out;
  }

  /** The bot's op 4: update its voice state, then hand out a voice server (as Discord does). */
  onBotVoiceStateUpdate(d: GatewayVoiceStateUpdateData): void {
    const guild = this.world.guilds.get(d.guild_id);
    const sessionId = this.gateway().sessionId;
    if (!guild || !sessionId) return;
    const botId = this.world.bot.id;
    if (d.channel_id === null) {
      guild.voiceStates.delete(botId);
      this.voice().end(guild.id);
      this.dispatchState(guild, botId, null, sessionId);
      return;
    }
    const channel = guild.channels.find((c) => c.id === d.channel_id && c.type === 'voice');
    // Without Connect, or into a full channel without Move Members (which lets moderators past the
    // user limit), Discord does not let the bot in: no voice server comes, the client times out
    // in Signalling. A bot must check both before it asks.
    const perms = channel ? channelPermissions(guild, channel, botId) : 0n;
    if (!channel || (perms & PermissionFlagsBits.Connect) === 0n) return;
    if (this.isFull(guild, channel.id, channel.userLimit) && (perms & PermissionFlagsBits.MoveMembers) === 0n)
      return;
    guild.voiceStates.set(botId, {
      userId: botId,
      channelId: channel.id,
      sessionId,
      selfMute: d.self_mute,
      selfDeaf: d.self_deaf,
    });
    this.dispatchState(guild, botId, channel.id, sessionId);
    const token = this.voice().prepare(guild.id, channel.id, botId, sessionId);
    this.gateway().dispatch(GatewayDispatchEvents.VoiceServerUpdate, {
      token,
      guild_id: guild.id,
      endpoint: this.voice().endpoint,
    });
  }

  /**
   * A moderator drags the bot to `channelId`. Discord always sends the new voice state; how the
   * voice connection follows varies, so `how` picks one: `'state'` keeps the voice socket (the
   * server just routes the new channel), `'server'` also hands out a new voice server
   * (VOICE_SERVER_UPDATE), `'4014'` first closes the voice socket with 4014, then hands one out.
   */
  moveBot(guildId: string, channelId: string, how: 'state' | 'server' | '4014'): void {
    const guild = this.world.guilds.get(guildId);
    const botId = this.world.bot.id;
    const state = guild?.voiceStates.get(botId);
    const session = this.voice().sessions.get(guildId);
    const channel = guild?.channels.find((c) => c.id === channelId && c.type === 'voice');
    if (!guild || !state || !channel)
      throw new Error('moveBot: the bot is not in a voice channel of that guild, or the target is not voice');
    state.channelId = channel.id;
    this.dispatchState(guild, botId, channel.id, state.sessionId);
    if (how === 'state' && session) {
      session.channelId = channel.id;
      session.mapped.clear();
      const others = this.usersInChannel(channel.id).filter((u) => u !== botId);
      if (others.length > 0 && session.key)
        this.voice().send(session, VoiceOpcodes.ClientsConnect, { user_ids: others });
      return;
    }
    const old = session?.ws;
    const token = this.voice().prepare(guild.id, channel.id, botId, state.sessionId);
    const handOut = () =>
      this.gateway().dispatch(GatewayDispatchEvents.VoiceServerUpdate, {
        token,
        guild_id: guild.id,
        endpoint: this.voice().endpoint,
      });
    if (how !== '4014' || !old || old.readyState !== old.OPEN) {
      handOut();
      return;
    }
    // The close reaches the client before the new server: it sits in Disconnected (4014) first.
    this.voice().stats.closes.push({ code: 4014, atMs: performance.now() });
    old.once('close', handOut);
    old.close(4014, 'moved');
  }

  /** Whether the channel's user limit (0 = none) leaves no room for the bot (already there: it has its place). */
  private isFull(guild: GuildState, channelId: string, userLimit: number): boolean {
    if (userLimit <= 0) return false;
    const botId = this.world.bot.id;
    let n = 0;
    for (const v of guild.voiceStates.values()) {
      if (v.channelId !== channelId) continue;
      if (v.userId === botId) return false;
      n++;
    }
    return n >= userLimit;
  }

  /** Discord removed the bot from voice (4014): tell the client its voice state is gone. */
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
    if (channel.type !== 'voice') throw new Error(`channel "${channel.name}" is not a voice channel`);
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
    });
    this.dispatchState(guild, user.id, channel.id, `s-${user.id}`);
    const s = this.voice().sessions.get(guild.id);
    if (s?.channelId === channel.id && s.key)
      this.voice().send(s, VoiceOpcodes.ClientsConnect, { user_ids: [user.id] });
  }

  /** A simulated user leaves voice. */
  leave(userRef: string, opts: { quiet?: boolean } = {}): void {
    const user = this.world.user(userRef);
    for (const guild of this.world.guilds.values()) {
      const state = guild.voiceStates.get(user.id);
      if (!state) continue;
      guild.voiceStates.delete(user.id);
      const s = this.voice().sessions.get(guild.id);
      if (s?.channelId === state.channelId && s.key) {
        s.mapped.delete(user.id);
        this.voice().send(s, VoiceOpcodes.ClientDisconnect, { user_id: user.id });
      }
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
    this.gateway().dispatch(GatewayDispatchEvents.VoiceStateUpdate, data);
  }
}
