import { randomBytes } from 'node:crypto';
import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import { apiChannel, apiMember, apiMessage, apiRole } from '../model/serialize.ts';
import type { RestContext } from './context.ts';
import { contentProblem, webhookNameProblem } from './discord-rules.ts';
import { discordError, type Router } from './router.ts';

function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** Channels, channel messages, channel webhooks, guilds and members. */
export function registerGuildRoutes(router: Router, ctx: RestContext): void {
  const findChannel = (id: string | undefined) => {
    for (const g of ctx.world.guilds.values()) {
      const c = g.channels.find((ch) => ch.id === id);
      if (c) return c;
    }
    return undefined;
  };

  router.add('GET', '/channels/:channel', (req) => {
    const c = findChannel(req.params.channel);
    return c ? { status: 200, body: apiChannel(c) } : discordError(404, 10003, 'Unknown Channel');
  });
  router.add('POST', '/channels/:channel/messages', (req) => {
    const c = findChannel(req.params.channel);
    if (!c) return discordError(404, 10003, 'Unknown Channel');
    const body = obj(req.body);
    const invalid = contentProblem(body);
    if (invalid) return invalid;
    const id = ctx.nextId();
    const content = typeof body.content === 'string' ? body.content : undefined;
    ctx.messages.push({ id, channelId: c.id, via: 'channel', content, body });
    return {
      status: 200,
      body: apiMessage({ id, channelId: c.id, author: ctx.world.bot, content: content ?? '', body }),
    };
  });
  router.add('POST', '/channels/:channel/webhooks', (req) => {
    const c = findChannel(req.params.channel);
    if (!c) return discordError(404, 10003, 'Unknown Channel');
    const body = obj(req.body);
    const invalid = webhookNameProblem(body.name, 'name');
    if (invalid) return invalid;
    const hook = {
      id: ctx.nextId(),
      // Discord's webhook tokens are 68 URL-safe characters; whoever holds one can post as the hook.
      token: randomBytes(51).toString('base64url'),
      channelId: c.id,
      guildId: c.guildId,
      name: String(body.name),
    };
    ctx.webhooks.set(hook.id, hook);
    ctx.issuedWebhookTokens.push(hook.token);
    return { status: 200, body: webhookBody(hook, ctx) };
  });
  router.add('GET', '/channels/:channel/webhooks', (req) => {
    const c = findChannel(req.params.channel);
    if (!c) return discordError(404, 10003, 'Unknown Channel');
    return {
      status: 200,
      body: [...ctx.webhooks.values()].filter((h) => h.channelId === c.id).map((h) => webhookBody(h, ctx)),
    };
  });

  router.add('GET', '/guilds/:guild', (req) => {
    const g = ctx.world.guilds.get(req.params.guild ?? '');
    if (!g) return discordError(404, 10004, 'Unknown Guild');
    return {
      status: 200,
      body: {
        id: g.id,
        name: g.name,
        owner_id: g.ownerId,
        roles: g.roles.map(apiRole),
        features: [],
        emojis: [],
        stickers: [],
      },
    };
  });
  router.add('GET', '/guilds/:guild/channels', (req) => {
    const g = ctx.world.guilds.get(req.params.guild ?? '');
    return g ? { status: 200, body: g.channels.map(apiChannel) } : discordError(404, 10004, 'Unknown Guild');
  });
  const memberOf = (guildId: string | undefined, userRef: string | undefined) => {
    const g = ctx.world.guilds.get(guildId ?? '');
    const userId = userRef === '@me' ? ctx.world.bot.id : userRef;
    const m = g?.members.get(userId ?? '');
    const u = ctx.world.users.get(userId ?? '');
    return g && m && u ? { g, m, u } : undefined;
  };
  router.add('GET', '/guilds/:guild/members/:user', (req) => {
    const found = memberOf(req.params.guild, req.params.user);
    return found
      ? { status: 200, body: apiMember(found.m, found.u) }
      : discordError(404, 10007, 'Unknown Member');
  });
  router.add('PATCH', '/guilds/:guild/members/:user', (req) => {
    const found = memberOf(req.params.guild, req.params.user);
    if (!found) return discordError(404, 10007, 'Unknown Member');
    const body = obj(req.body);
    if ('nick' in body) found.m.nick = typeof body.nick === 'string' && body.nick !== '' ? body.nick : null;
    const member = apiMember(found.m, found.u);
    // GUILD_MEMBER_UPDATE belongs to the privileged GuildMembers intent.
    if (ctx.hasIntent(GatewayIntentBits.GuildMembers))
      ctx.dispatch(GatewayDispatchEvents.GuildMemberUpdate, { ...member, guild_id: found.g.id });
    return { status: 200, body: member };
  });

  // Attachments, served outside /api as Discord's CDN serves them.
  router.add('GET', '/attachments/:id/:filename', (req) => {
    const file = ctx.files.get(req.params.id ?? '');
    if (!file || file.filename !== req.params.filename) return discordError(404, 0, '404: Not Found');
    return { status: 200, raw: { bytes: file.bytes, contentType: file.contentType } };
  });
}

function webhookBody(
  hook: { id: string; token: string; channelId: string; guildId: string; name: string },
  ctx: RestContext,
) {
  return {
    id: hook.id,
    type: 1,
    token: hook.token,
    channel_id: hook.channelId,
    guild_id: hook.guildId,
    name: hook.name,
    avatar: null,
    application_id: null,
    user: {
      id: ctx.world.bot.id,
      username: ctx.world.bot.username,
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
    },
  };
}
