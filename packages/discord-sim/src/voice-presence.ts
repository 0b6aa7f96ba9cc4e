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

  /**
   * A bot's op 4 (sent on gateway session `fromSession`): update its voice state, then hand it a
   * voice server (as Discord does); the voice state carries that session's id.
   */
  onBotVoiceStateUpdate(d: GatewayVoiceStateUpdateData, botId: string, fromSession?: string): void {
    const guild = this.world.guilds.get(d.guild_id);
    const sessionId = fromSession ?? this.gateway().sessionIdOf(botId, d.guild_id);
    if (!guild || !sessionId) return;
    if (d.channel_id === null) {
      guild.voiceStates.delete(botId);
      this.voice().end(guild.id, botId);
      this.dispatchState(guild, botId, null, sessionId);
      return;
    }
    const channel = guild.channels.find((c) => c.id === d.channel_id && c.type !== 'text');
    // Without Connect, or into a full channel without Move Members (which lets moderators past the
    // user limit), Discord does not let the bot in: no voice server comes, the client times out
    // in Signalling. A bot must check both before it asks.
    const perms = channel ? channelPermissions(guild, channel, botId) : 0n;
    if (!channel || (perms & PermissionFlagsBits.Connect) === 0n) return;
    if (
      this.isFull(guild, channel.id, channel.userLimit, botId) &&
      (perms & PermissionFlagsBits.MoveMembers) === 0n
    )
      return;
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

  /**
   * A moderator drags the bot to `channelId`. Discord always sends the new voice state; how the
   * voice connection follows varies, so `how` picks one: `'state'` keeps the voice socket (the
   * server just routes the new channel), `'server'` also hands out a new voice server
   * (VOICE_SERVER_UPDATE), `'4014'` first closes the voice socket with 4014, then hands one out.
   *
   * In an E2EE call the MLS group is the channel's (its group id is the channel id,
   * https://daveprotocol.com/#initial-group-creation), so every way the bot leaves the old
   * channel's group (a Remove for those still there) and joins the new channel's: over a new
   * voice server by a fresh handshake, over the kept socket by a new group epoch (op 24, epoch 1).
   */
  moveBot(guildId: string, channelId: string, how: 'state' | 'server' | '4014'): void {
    const guild = this.world.guilds.get(guildId);
    const botId = this.world.bot.id;
    const state = guild?.voiceStates.get(botId);
    const session = this.voice().session(guildId, botId);
    const channel = guild?.channels.find((c) => c.id === channelId && c.type !== 'text');
    if (!guild || !state || !channel)
      throw new Error('moveBot: the bot is not in a voice channel of that guild, or the target is not voice');
    state.channelId = channel.id;
    state.suppress = channel.type === 'stage';
    this.dispatchState(guild, botId, channel.id, state.sessionId);
    if (how === 'state' && session) {
      this.voice().moveSession(session, channel.id);
      return;
    }
    const old = session?.ws;
    // prepare() takes the old session out of its channel's media (DAVE Remove, op 13 to other bots).
    const token = this.voice().prepare(guild.id, channel.id, botId, state.sessionId);
    const handOut = () =>
      this.gateway().dispatchToUser(botId, GatewayDispatchEvents.VoiceServerUpdate, {
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
  private isFull(guild: GuildState, channelId: string, userLimit: number, botId: string): boolean {
    if (userLimit <= 0) return false;
    let n = 0;
    for (const v of guild.voiceStates.values()) {
      if (v.channelId !== channelId) continue;
      if (v.userId === botId) return false;
      n++;
    }
    return n >= userLimit;
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
