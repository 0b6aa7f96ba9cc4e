import {
  type APIChannel,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  type APIVoiceState,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  MessageType,
} from 'discord-api-types/v10';
import type {
  ChannelState,
  GuildState,
  MemberState,
  RoleState,
  UserState,
  VoiceStateRecord,
} from './types.ts';

export function apiUser(u: UserState): APIUser {
  return {
    id: u.id,
    username: u.username,
    global_name: u.globalName,
    discriminator: '0',
    avatar: null,
    bot: u.bot,
  };
}

export function apiMember(m: MemberState, user: UserState): APIGuildMember {
  return {
    user: apiUser(user),
    nick: m.nick,
    roles: m.roles,
    joined_at: m.joinedAt,
    deaf: false,
    mute: false,
    flags: 0 as APIGuildMember['flags'],
    avatar: null,
    banner: null,
  };
}

export function apiRole(r: RoleState): APIRole {
  return {
    id: r.id,
    name: r.name,
    permissions: r.permissions.toString(),
    position: r.position,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    managed: false,
    mentionable: false,
    icon: null,
    unicode_emoji: null,
    flags: 0 as APIRole['flags'],
  };
}

export function apiChannel(c: ChannelState): APIChannel {
  const base = {
    id: c.id,
    guild_id: c.guildId,
    name: c.name,
    position: c.position,
    parent_id: null,
    nsfw: false,
    permission_overwrites: c.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
  };
  if (c.type === 'voice' || c.type === 'stage') {
    return {
      ...base,
      type: c.type === 'stage' ? ChannelType.GuildStageVoice : ChannelType.GuildVoice,
      bitrate: 64000,
      user_limit: c.userLimit,
      rtc_region: null,
      last_message_id: null,
      rate_limit_per_user: 0,
    };
  }
  return { ...base, type: ChannelType.GuildText, topic: null, last_message_id: null, rate_limit_per_user: 0 };
}

export function apiVoiceState(
  guildId: string,
  v: VoiceStateRecord | { userId: string; channelId: null; sessionId: string },
  member?: APIGuildMember,
): APIVoiceState {
  const full = 'selfMute' in v ? v : { ...v, selfMute: false, selfDeaf: false, suppress: false };
  return {
    guild_id: guildId,
    channel_id: full.channelId,
    user_id: full.userId,
    session_id: full.sessionId,
    deaf: false,
    mute: false,
    self_deaf: full.selfDeaf,
    self_mute: full.selfMute,
    self_video: false,
    suppress: full.suppress ?? false,
    request_to_speak_timestamp: null,
    ...(member ? { member } : {}),
  };
}

export function guildCreate(
  g: GuildState,
  users: Map<string, UserState>,
  opts: { allMembers: boolean; botId: string } = { allMembers: true, botId: '' },
): GatewayGuildCreateDispatchData {
  const listed = [...g.members.values()].filter(
    (m) => opts.allMembers || m.userId === opts.botId || g.voiceStates.has(m.userId),
  );
  const members = listed.flatMap((m) => {
    const u = users.get(m.userId);
    return u ? [apiMember(m, u)] : [];
  });
  const guild = {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: g.ownerId,
    region: 'us-west',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: g.roles.map(apiRole),
    emojis: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: g.preferredLocale,
    public_updates_channel_id: null,
    nsfw_level: 0,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: g.members.size,
    voice_states: [...g.voiceStates.values()].map((v) => apiVoiceState(g.id, v)),
    members,
    channels: g.channels.map(apiChannel),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    latest_onboarding_question_id: null,
  };
  return guild as unknown as GatewayGuildCreateDispatchData;
}

/** A complete message object, as discord.js expects in webhook/message responses. */
export function apiMessage(opts: {
  id: string;
  channelId: string;
  author: UserState;
  content: string;
  flags?: number;
  webhookId?: string;
  applicationId?: string;
  body?: Record<string, unknown>;
}): APIMessage {
  const body = opts.body ?? {};
  return {
    id: opts.id,
    channel_id: opts.channelId,
    author: apiUser(opts.author),
    content: opts.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: Array.isArray(body.embeds) ? (body.embeds as APIMessage['embeds']) : [],
    pinned: false,
    type: MessageType.Default,
    flags: opts.flags ?? 0,
    components: [],
    ...(opts.webhookId ? { webhook_id: opts.webhookId } : {}),
    ...(opts.applicationId ? { application_id: opts.applicationId } : {}),
  };
}
