/** A user the sim knows about (the bot is one too). */
export interface SimUserSpec {
  /** Stable handle used in the rest of the options and in `sim.user(name)`. */
  username: string;
  id?: string | undefined;
  globalName?: string | undefined;
  bot?: boolean | undefined;
}

/** A channel permission overwrite; `target` is a role name, `@everyone`, a username or `bot`. */
export interface SimOverwriteSpec {
  target: string;
  allow?: bigint | undefined;
  deny?: bigint | undefined;
}

export interface SimChannelSpec {
  name: string;
  /** `stage`: a stage channel (type 13), which Discord never end-to-end encrypts. */
  type: 'text' | 'voice' | 'stage';
  id?: string | undefined;
  /** Voice: at most this many members (0 or omitted: no limit); Move Members bypasses it. */
  userLimit?: number | undefined;
  overwrites?: SimOverwriteSpec[] | undefined;
  /**
   * Whether the voice gateway negotiates DAVE (E2EE) here: defaults to the sim's `dave` option for
   * voice channels, and is always off for stage channels.
   */
  dave?: boolean | undefined;
}

export interface SimRoleSpec {
  name: string;
  permissions: bigint;
  id?: string | undefined;
}

export interface SimMemberSpec {
  /** Username of a declared user. */
  user: string;
  /** Role names. */
  roles?: string[] | undefined;
  nick?: string | undefined;
  /** Voice channel name the member sits in at GUILD_CREATE. */
  voiceChannel?: string | undefined;
}

export interface SimGuildSpec {
  name: string;
  id?: string | undefined;
  /** Permissions of @everyone; defaults to view/send/connect/speak/use-vad/use-commands. */
  everyonePermissions?: bigint | undefined;
  roles?: SimRoleSpec[] | undefined;
  channels: SimChannelSpec[];
  members?: SimMemberSpec[] | undefined;
  /** Role names the bot's member has. */
  botRoles?: string[] | undefined;
  /** The server's language (Community "primary language"; Discord's default is en-US). */
  preferredLocale?: string | undefined;
}

/** Runtime state of a guild member. */
export interface MemberState {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

export interface VoiceStateRecord {
  userId: string;
  channelId: string;
  sessionId: string;
  selfMute: boolean;
  selfDeaf: boolean;
  /** Stage audience members are suppressed until they become speakers. */
  suppress?: boolean | undefined;
}

export interface ChannelState {
  id: string;
  guildId: string;
  name: string;
  type: 'text' | 'voice' | 'stage';
  /** Per-channel DAVE override (see {@link SimChannelSpec.dave}). */
  dave: boolean | undefined;
  overwrites: { id: string; type: 0 | 1; allow: bigint; deny: bigint }[];
  position: number;
  userLimit: number;
}

export interface RoleState {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
}

export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  roles: RoleState[];
  channels: ChannelState[];
  members: Map<string, MemberState>;
  voiceStates: Map<string, VoiceStateRecord>;
  preferredLocale: string;
}

export interface UserState {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}
