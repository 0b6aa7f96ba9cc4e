// A member clicks a button on one of the bot's messages: Discord sends INTERACTION_CREATE with
// type 3 (MESSAGE_COMPONENT), the message the button is on, and `data.custom_id`/`component_type`;
// the bot answers on the callback route, usually with type 7 (UPDATE_MESSAGE: edit that message in
// place) or 6 (DEFERRED_UPDATE_MESSAGE, then edits via the interaction webhook).
// https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
// https://discord.com/developers/docs/interactions/message-components#button-object
import { randomBytes } from 'node:crypto';
import {
  type APIInteraction,
  ComponentType,
  GatewayDispatchEvents,
  InteractionType,
} from 'discord-api-types/v10';
import type { GatewayServer } from '../gateway/gateway-server.ts';
import { channelPermissions } from '../model/permissions.ts';
import { apiChannel, apiMember, apiMessage } from '../model/serialize.ts';
import type { RestContext } from '../rest/context.ts';
import type { SlashContext } from './build-interaction.ts';
import { InteractionHandle, type MessageView } from './interaction-handle.ts';

interface ButtonLike {
  type?: unknown;
  custom_id?: unknown;
  disabled?: unknown;
}

/** The button with `customId` on a message, or a sim error saying why it cannot be clicked. */
function findButton(view: MessageView, customId: string): ButtonLike {
  const buttons = view.components.flatMap((row) =>
    Array.isArray(row.components) ? (row.components as ButtonLike[]) : [],
  );
  const button = buttons.find((b) => b.type === ComponentType.Button && b.custom_id === customId);
  if (!button) {
    const ids = buttons.map((b) => String(b.custom_id ?? '(link)')).join(', ') || 'none';
    throw new Error(`clickButton: the message has no button "${customId}" (buttons: ${ids})`);
  }
  if (button.disabled === true)
    throw new Error(`clickButton: button "${customId}" is disabled; Discord does not let anyone click it`);
  return button;
}

/**
 * Builds and sends the MESSAGE_COMPONENT interaction for `user` clicking `customId` on `source`
 * (a message the bot sent or updated). Returns the handle recording the bot's answer.
 */
export function dispatchButtonClick(
  rest: RestContext,
  gateway: GatewayServer,
  ctx: SlashContext,
  source: MessageView,
  customId: string,
): InteractionHandle {
  findButton(source, customId);
  if (!source.id) throw new Error('clickButton: the source message was never created (no reply yet)');
  const record = rest.messages.find((m) => m.id === source.id);
  if (!record) throw new Error(`clickButton: unknown message ${source.id}`);
  const { world } = rest;
  const user = world.user(ctx.user);
  const channel = world.channel(record.channelId);
  const guild = world.guild(channel.guildId);
  const member = guild.members.get(user.id);
  if (!member) throw new Error(`clickButton: "${user.username}" is not a member of "${guild.name}"`);
  const id = rest.nextId();
  const token = `itoken-${id}-${randomBytes(6).toString('hex')}`;
  const message = {
    ...apiMessage({
      id: source.id,
      channelId: channel.id,
      author: world.bot,
      content: source.content ?? '',
      flags: source.flags,
      applicationId: rest.applicationId,
      webhookId: rest.applicationId,
      body: { embeds: source.embeds },
    }),
    components: source.components,
  };
  const payload = {
    id,
    application_id: rest.applicationId,
    type: InteractionType.MessageComponent,
    token,
    version: 1,
    guild_id: guild.id,
    guild: { id: guild.id, features: [], locale: guild.preferredLocale },
    guild_locale: guild.preferredLocale,
    channel_id: channel.id,
    channel: apiChannel(channel),
    member: {
      ...apiMember(member, user),
      permissions: channelPermissions(guild, channel, user.id).toString(),
    },
    app_permissions: channelPermissions(guild, channel, world.bot.id).toString(),
    locale: ctx.locale ?? 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
    attachment_size_limit: 10_485_760,
    message,
    data: { custom_id: customId, component_type: ComponentType.Button },
  } as unknown as APIInteraction;
  const handle = new InteractionHandle(id, token, performance.now(), source);
  rest.interactions.set(token, { handle, channelId: channel.id, issuedAt: rest.now() });
  gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
  return handle;
}
