import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { createIdFactory } from './ids.ts';
import type { ChannelState, GuildState, SimGuildSpec, SimUserSpec, UserState } from './types.ts';

/** Default @everyone permissions: what a fresh Discord server grants. */
export const DEFAULT_EVERYONE =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.UseVAD |
  PermissionFlagsBits.UseApplicationCommands;

/** Thrown for options that reference things that do not exist. */
export class SimConfigError extends Error {
  override readonly name = 'SimConfigError';
}

/** The sim's users, guilds, channels and members, mutated by REST calls and test actions. */
export class World {
  readonly users = new Map<string, UserState>();
  readonly guilds = new Map<string, GuildState>();
  readonly bot: UserState;
  private readonly nextId: ReturnType<typeof createIdFactory>;

  constructor(opts: {
    bot: UserState;
    users: SimUserSpec[];
    guilds: SimGuildSpec[];
    nextId: ReturnType<typeof createIdFactory>;
  }) {
    this.nextId = opts.nextId;
    this.bot = opts.bot;
    this.users.set(this.bot.id, this.bot);
    for (const u of opts.users) this.addUser(u);
    for (const g of opts.guilds) this.addGuild(g);
  }

  addUser(spec: SimUserSpec): UserState {
    if (this.findUser(spec.username)) throw new SimConfigError(`user "${spec.username}" is declared twice`);
    const user: UserState = {
      id: spec.id ?? this.nextId(),
      username: spec.username,
      globalName: spec.globalName ?? null,
      bot: spec.bot ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Makes a user (another bot account) a member of every guild, without roles. */
  addMemberEverywhere(userId: string): void {
    for (const g of this.guilds.values())
      if (!g.members.has(userId))
        g.members.set(userId, { userId, roles: [], nick: null, joinedAt: new Date(0).toISOString() });
  }

  /** Looks a user up by id or username ('bot' is the bot). */
  findUser(ref: string): UserState | undefined {
    if (ref === 'bot') return this.bot;
    return this.users.get(ref) ?? [...this.users.values()].find((u) => u.username === ref);
  }

  user(ref: string): UserState {
    const user = this.findUser(ref);
    if (!user)
      throw new SimConfigError(
        `unknown user "${ref}": declare it in startDiscordSim({ users }) or sim.addUser()`,
      );
    return user;
  }

  guild(ref?: string): GuildState {
    const guild =
      ref === undefined
        ? this.guilds.values().next().value
        : (this.guilds.get(ref) ?? [...this.guilds.values()].find((g) => g.name === ref));
    if (!guild)
      throw new SimConfigError(
        `unknown guild "${ref ?? '(first)'}": declare it in startDiscordSim({ guilds })`,
      );
    return guild;
  }

  /** Finds a channel by id or name across guilds. */
  channel(ref: string): ChannelState {
    for (const g of this.guilds.values()) {
      const c = g.channels.find((ch) => ch.id === ref || ch.name === ref);
      if (c) return c;
    }
    throw new SimConfigError(`unknown channel "${ref}": declare it in a guild's channels`);
  }

  private addGuild(spec: SimGuildSpec): void {
    const id = spec.id ?? this.nextId();
    const roles = [
      { id, name: '@everyone', permissions: spec.everyonePermissions ?? DEFAULT_EVERYONE, position: 0 },
    ];
    for (const [i, r] of (spec.roles ?? []).entries())
      roles.push({ id: r.id ?? this.nextId(), name: r.name, permissions: r.permissions, position: i + 1 });
    const roleId = (name: string) => {
      const role = roles.find((r) => r.name === name || r.id === name);
      if (!role)
        throw new SimConfigError(`guild "${spec.name}": unknown role "${name}"; declare it in roles`);
      return role.id;
    };
    const guild: GuildState = {
      id,
      name: spec.name,
      ownerId: '',
      roles,
      channels: [],
      members: new Map(),
      voiceStates: new Map(),
      preferredLocale: spec.preferredLocale ?? 'en-US',
    };
    const joinedAt = new Date(0).toISOString();
    guild.members.set(this.bot.id, {
      userId: this.bot.id,
      roles: (spec.botRoles ?? []).map(roleId),
      nick: null,
      joinedAt,
    });
    for (const m of spec.members ?? []) {
      const user = this.user(m.user);
      guild.members.set(user.id, {
        userId: user.id,
        roles: (m.roles ?? []).map(roleId),
        nick: m.nick ?? null,
        joinedAt,
      });
    }
    // The first declared human member owns the guild (owner bypasses permissions, so never the bot).
    guild.ownerId = [...guild.members.keys()].find((k) => k !== this.bot.id) ?? this.nextId();
    for (const [i, c] of spec.channels.entries()) {
      guild.channels.push({
        id: c.id ?? this.nextId(),
        guildId: id,
        name: c.name,
        type: c.type,
        dave: c.dave,
        position: i,
        userLimit: c.userLimit ?? 0,
        overwrites: (c.overwrites ?? []).map((o) => {
          const user = o.target === '@everyone' ? undefined : this.findUser(o.target);
          const isRole =
            o.target === '@everyone' || roles.some((r) => r.name === o.target || r.id === o.target);
          if (!isRole && !user)
            throw new SimConfigError(
              `channel "${c.name}": overwrite target "${o.target}" is neither a role nor a user`,
            );
          return {
            id: isRole ? roleId(o.target === '@everyone' ? '@everyone' : o.target) : (user as UserState).id,
            type: isRole ? (0 as const) : (1 as const),
            allow: o.allow ?? 0n,
            deny: o.deny ?? 0n,
          };
        }),
      });
    }
    this.guilds.set(id, guild);
    for (const m of spec.members ?? []) {
      if (!m.voiceChannel) continue;
      const ch = guild.channels.find((c) => c.name === m.voiceChannel && c.type !== 'text');
      if (!ch) throw new SimConfigError(`member "${m.user}": unknown voice channel "${m.voiceChannel}"`);
      const userId = this.user(m.user).id;
      guild.voiceStates.set(userId, {
        userId,
        channelId: ch.id,
        sessionId: `s-${userId}`,
        selfMute: false,
        selfDeaf: false,
        suppress: ch.type === 'stage',
      });
    }
  }
}
