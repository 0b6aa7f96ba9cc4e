import { randomBytes } from 'node:crypto';
import { GatewayDispatchEvents, type InteractionType } from 'discord-api-types/v10';
import type { GatewayServer } from '../gateway/gateway-server.ts';
import type { RestContext } from '../rest/context.ts';
import { buildCommandInteraction, type SlashContext, type SlashInvocation } from './build-interaction.ts';
import { InteractionHandle } from './interaction-handle.ts';

/** Builds an interaction as `ctx.user`, sends INTERACTION_CREATE, and returns the handle recording the bot's answers. */
export function dispatchInteraction(
  rest: RestContext,
  gateway: GatewayServer,
  type: InteractionType.ApplicationCommand | InteractionType.ApplicationCommandAutocomplete,
  ctx: SlashContext,
  name: string,
  invocation: SlashInvocation,
): InteractionHandle {
  const guild = rest.world.guild(ctx.guild);
  const command = rest.commands.find(name, guild.id);
  const id = rest.nextId();
  // Secret-bearing like Discord's: it authorises replies for 15 minutes (the secret scan looks for it).
  const token = `itoken-${id}-${randomBytes(24).toString('base64url')}`;
  const payload = buildCommandInteraction({
    world: rest.world,
    applicationId: rest.applicationId,
    id,
    token,
    type,
    command,
    name,
    commandId: command?.id ?? rest.nextId(),
    ctx,
    invocation,
  });
  const handle = new InteractionHandle(id, token, performance.now());
  rest.interactions.set(token, { handle, channelId: payload.channel?.id ?? '', issuedAt: rest.now() });
  gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
  return handle;
}
