import {
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIInteraction,
  ApplicationCommandOptionType,
  ChannelType,
  type InteractionType,
} from 'discord-api-types/v10';
import { channelPermissions } from '../model/permissions.ts';
import { apiChannel, apiMember, apiRole, apiUser } from '../model/serialize.ts';
import type { World } from '../model/world.ts';

/** Option values for a slash command; ids for user/channel/role options. */
export type SlashOptionValues = Record<string, string | number | boolean>;

/** Which command invocation to simulate. */
export interface SlashInvocation {
  subcommandGroup?: string | undefined;
  subcommand?: string | undefined;
  options?: SlashOptionValues | undefined;
  /** For autocomplete: the option being typed. */
  focused?: string | undefined;
  /** Attachment options by name: the file Discord would host (any URL the bot can fetch, e.g. `data:`). */
  attachments?: Record<string, SimAttachment> | undefined;
}

/** A file attached to a slash command option. */
export interface SimAttachment {
  filename: string;
  url: string;
  size: number;
  contentType?: string;
}

/** Who invokes it, where. */
export interface SlashContext {
  /** Username or id. */
  user: string;
  /** Guild name or id; defaults to the first guild. */
  guild?: string | undefined;
  /** Channel name or id; defaults to the guild's first text channel. */
  channel?: string | undefined;
  locale?: string | undefined;
}

function optionType(
  def: APIApplicationCommandOption | undefined,
  value: unknown,
): ApplicationCommandOptionType {
  if (def) return def.type;
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? ApplicationCommandOptionType.Integer
      : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

function childOptions(
  defs: readonly APIApplicationCommandOption[] | undefined,
  name: string,
): readonly APIApplicationCommandOption[] | undefined {
  const d = defs?.find((o) => o.name === name);
  return d && 'options' in d ? (d.options as APIApplicationCommandOption[] | undefined) : undefined;
}

/** Builds the INTERACTION_CREATE payload for a slash command (type 2) or autocomplete (type 4). */
export function buildCommandInteraction(opts: {
  world: World;
  applicationId: string;
  id: string;
  token: string;
  type: InteractionType.ApplicationCommand | InteractionType.ApplicationCommandAutocomplete;
  command: APIApplicationCommand | undefined;
  name: string;
  commandId: string;
  ctx: SlashContext;
  invocation: SlashInvocation;
}): APIInteraction {
  const { world, ctx, invocation } = opts;
  const user = world.user(ctx.user);
  const guild = world.guild(ctx.guild);
  const channel = ctx.channel
    ? world.channel(ctx.channel)
    : (guild.channels.find((c) => c.type === 'text') ?? guild.channels[0]);
  if (!channel) throw new Error(`guild "${guild.name}" has no channels to run a command in`);
  const member = guild.members.get(user.id);
  if (!member)
    throw new Error(
      `user "${user.username}" is not a member of guild "${guild.name}"; add it to the guild's members`,
    );

  let defs: readonly APIApplicationCommandOption[] | undefined = opts.command?.options;
  if (invocation.subcommandGroup) defs = childOptions(defs, invocation.subcommandGroup);
  if (invocation.subcommand) defs = childOptions(defs, invocation.subcommand);
  const resolved: {
    users?: Record<string, unknown>;
    members?: Record<string, unknown>;
    channels?: Record<string, unknown>;
    roles?: Record<string, unknown>;
    attachments?: Record<string, unknown>;
  } = {};
  let leaf: APIApplicationCommandInteractionDataOption[] = Object.entries(invocation.options ?? {}).map(
    ([name, value]) => {
      const type = optionType(
        defs?.find((d) => d.name === name),
        value,
      );
      if (type === ApplicationCommandOptionType.User) {
        const u = world.user(String(value));
        resolved.users = { ...resolved.users, [u.id]: apiUser(u) };
        const m = guild.members.get(u.id);
        if (m) {
          const { user: _u, deaf: _d, mute: _m, ...rest } = apiMember(m, u);
          resolved.members = { ...resolved.members, [u.id]: { ...rest, permissions: '0' } };
        }
        return { name, type, value: u.id } as APIApplicationCommandInteractionDataOption;
      }
      if (type === ApplicationCommandOptionType.Channel) {
        const c = world.channel(String(value));
        resolved.channels = {
          ...resolved.channels,
          [c.id]: {
            id: c.id,
            name: c.name,
            type: c.type === 'voice' ? ChannelType.GuildVoice : ChannelType.GuildText,
            permissions: '0',
          },
        };
        return { name, type, value: c.id } as APIApplicationCommandInteractionDataOption;
      }
      if (type === ApplicationCommandOptionType.Role) {
        const r = guild.roles.find((x) => x.id === value || x.name === value);
        if (!r) throw new Error(`unknown role "${String(value)}" for option "${name}"`);
        resolved.roles = { ...resolved.roles, [r.id]: apiRole(r) };
        return { name, type, value: r.id } as APIApplicationCommandInteractionDataOption;
      }
      return {
        name,
        type,
        value,
        ...(invocation.focused === name ? { focused: true } : {}),
      } as APIApplicationCommandInteractionDataOption;
    },
  );
  for (const [name, file] of Object.entries(invocation.attachments ?? {})) {
    const id = `${opts.id}${leaf.length}`;
    resolved.attachments = {
      ...resolved.attachments,
      [id]: {
        id,
        filename: file.filename,
        size: file.size,
        url: file.url,
        proxy_url: file.url,
        ...(file.contentType ? { content_type: file.contentType } : {}),
      },
    };
    leaf = [...leaf, { name, type: ApplicationCommandOptionType.Attachment, value: id }];
  }
  if (invocation.subcommand)
    leaf = [
      {
        name: invocation.subcommand,
        type: ApplicationCommandOptionType.Subcommand,
        options: leaf,
      } as APIApplicationCommandInteractionDataOption,
    ];
  if (invocation.subcommandGroup)
    leaf = [
      {
        name: invocation.subcommandGroup,
        type: ApplicationCommandOptionType.SubcommandGroup,
        options: leaf,
      } as APIApplicationCommandInteractionDataOption,
    ];

  const memberPerms = channelPermissions(guild, channel, user.id);
  const appPerms = channelPermissions(guild, channel, world.bot.id);
  const payload = {
    id: opts.id,
    application_id: opts.applicationId,
    type: opts.type,
    token: opts.token,
    version: 1,
    guild_id: guild.id,
    guild: { id: guild.id, features: [], locale: guild.preferredLocale },
    guild_locale: guild.preferredLocale,
    channel_id: channel.id,
    channel: apiChannel(channel),
    member: { ...apiMember(member, user), permissions: memberPerms.toString() },
    app_permissions: appPerms.toString(),
    locale: ctx.locale ?? 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
    attachment_size_limit: 10_485_760,
    data: {
      id: opts.commandId,
      name: opts.name,
      type: 1,
      guild_id: opts.command?.guild_id,
      options: leaf,
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    },
  };
  return payload as unknown as APIInteraction;
}
