import { InteractionResponseType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { apiMessage } from '../model/serialize.ts';
import type { IssuedInteraction, RestContext } from './context.ts';
import {
  autocompleteProblem,
  contentProblem,
  FIRST_RESPONSE_MS,
  TOKEN_LIFETIME_MS,
  webhookNameProblem,
} from './discord-rules.ts';
import { discordError, type RestRequest, type RestResult, type Router } from './router.ts';

function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** Gateway discovery, application commands, interaction callbacks and interaction webhooks. */
export function registerAppRoutes(router: Router, ctx: RestContext): void {
  const gateway = (): RestResult => ({
    status: 200,
    body: {
      url: ctx.gatewayUrl(),
      shards: ctx.recommendedShards,
      session_start_limit: {
        total: 1000,
        remaining: 999,
        reset_after: 0,
        max_concurrency: ctx.maxConcurrency,
      },
    },
  });
  router.add('GET', '/gateway/bot', gateway);
  router.add('GET', '/gateway', () => ({ status: 200, body: { url: ctx.gatewayUrl() } }));
  router.add('GET', '/users/@me', () => ({
    status: 200,
    body: {
      id: ctx.world.bot.id,
      username: ctx.world.bot.username,
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
    },
  }));
  router.add('GET', '/applications/@me', () => ({
    status: 200,
    body: { id: ctx.applicationId, name: ctx.world.bot.username, flags: 0, bot_public: true },
  }));

  const checkApp = (req: RestRequest) =>
    req.params.app !== ctx.applicationId ? discordError(404, 10002, 'Unknown Application') : undefined;
  const checkGuild = (req: RestRequest) =>
    req.params.guild && !ctx.world.guilds.has(req.params.guild)
      ? discordError(404, 10004, 'Unknown Guild')
      : undefined;
  for (const scoped of [false, true]) {
    const base = scoped ? '/applications/:app/guilds/:guild/commands' : '/applications/:app/commands';
    router.add(
      'GET',
      base,
      (req) => checkApp(req) ?? checkGuild(req) ?? { status: 200, body: ctx.commands.list(req.params.guild) },
    );
    router.add('PUT', base, (req) => {
      const bad = checkApp(req) ?? checkGuild(req);
      if (bad) return bad;
      if (!Array.isArray(req.body))
        return discordError(400, 50035, 'Invalid Form Body: expected an array of commands');
      return {
        status: 200,
        body: ctx.commands.overwrite(req.body as RESTPostAPIApplicationCommandsJSONBody[], req.params.guild),
      };
    });
    router.add('POST', base, (req) => {
      const bad = checkApp(req) ?? checkGuild(req);
      if (bad) return bad;
      return {
        status: 201,
        body: ctx.commands.upsert(req.body as RESTPostAPIApplicationCommandsJSONBody, req.params.guild),
      };
    });
    router.add('GET', `${base}/:id`, (req) => {
      const cmd = ctx.commands.list(req.params.guild).find((c) => c.id === req.params.id);
      return cmd ? { status: 200, body: cmd } : discordError(404, 10063, 'Unknown application command');
    });
    router.add('PATCH', `${base}/:id`, (req) => {
      const cmd = ctx.commands.list(req.params.guild).find((c) => c.id === req.params.id);
      if (!cmd) return discordError(404, 10063, 'Unknown application command');
      return {
        status: 200,
        body: ctx.commands.upsert(
          { ...cmd, ...obj(req.body) } as RESTPostAPIApplicationCommandsJSONBody,
          req.params.guild,
        ),
      };
    });
    router.add('DELETE', `${base}/:id`, (req) =>
      ctx.commands.remove(req.params.id ?? '', req.params.guild)
        ? { status: 204 }
        : discordError(404, 10063, 'Unknown application command'),
    );
  }

  router.add('POST', '/interactions/:id/:token/callback', (req) => {
    const entry = ctx.interactions.get(req.params.token ?? '');
    if (!entry || entry.handle.id !== req.params.id) return discordError(404, 10062, 'Unknown interaction');
    if (entry.handle.callbackType !== undefined)
      return discordError(400, 40060, 'Interaction has already been acknowledged.');
    // Past the 3 s deadline the token is invalidated: Discord no longer knows the interaction.
    if (ctx.now() - entry.issuedAt > FIRST_RESPONSE_MS)
      return discordError(404, 10062, 'Unknown interaction');
    const body = obj(req.body);
    const type = Number(body.type) as InteractionResponseType;
    const data = obj(body.data);
    const invalid =
      type === InteractionResponseType.ApplicationCommandAutocompleteResult
        ? autocompleteProblem(data)
        : contentProblem(data, 'data.content');
    if (invalid) return invalid;
    entry.handle.record({ kind: 'callback', type, data, atMs: performance.now() });
    let message: unknown;
    if (
      type === InteractionResponseType.ChannelMessageWithSource ||
      type === InteractionResponseType.DeferredChannelMessageWithSource
    ) {
      const id = ctx.nextId();
      entry.handle.messageId = id;
      ctx.messages.push({
        id,
        channelId: entry.channelId,
        via: 'interaction',
        content: typeof data.content === 'string' ? data.content : undefined,
        body: data,
      });
      message = apiMessage({
        id,
        channelId: entry.channelId,
        author: ctx.world.bot,
        content: String(data.content ?? ''),
        flags: Number(data.flags ?? 0),
        applicationId: ctx.applicationId,
      });
    }
    if (req.query.get('with_response') !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: entry.handle.id,
          type: 2,
          response_message_id: (message as { id?: string } | undefined)?.id,
          response_message_loading: type === 5,
          response_message_ephemeral: entry.handle.ephemeral,
        },
        ...(message ? { resource: { type, message } } : { resource: { type } }),
      },
    };
  });

  const original = (req: RestRequest) => {
    if (req.params.app !== ctx.applicationId) return undefined;
    return ctx.interactions.get(req.params.token ?? '');
  };
  /**
   * Why an interaction token no longer works for follow-ups and edits: never acknowledged within
   * 3 s (invalidated: 404 Unknown Webhook), or older than 15 minutes (401 Invalid Webhook Token,
   * what Discord answers once the token has expired).
   */
  const expired = (entry: IssuedInteraction): RestResult | undefined => {
    const age = ctx.now() - entry.issuedAt;
    if (age > TOKEN_LIFETIME_MS) return discordError(401, 50027, 'Invalid Webhook Token');
    if (entry.handle.callbackType === undefined && age > FIRST_RESPONSE_MS)
      return discordError(404, 10015, 'Unknown Webhook');
    return undefined;
  };
  const originalMessage = (channelId: string, body: Record<string, unknown>) =>
    apiMessage({
      id: ctx.nextId(),
      channelId,
      author: ctx.world.bot,
      content: String(body.content ?? ''),
      flags: Number(body.flags ?? 0),
      applicationId: ctx.applicationId,
      webhookId: ctx.applicationId,
      body,
    });

  router.add('GET', '/webhooks/:app/:token/messages/:msg', (req) => {
    const entry = original(req);
    if (!entry) return discordError(404, 10015, 'Unknown Webhook');
    const gone = expired(entry);
    if (gone) return gone;
    return { status: 200, body: originalMessage(entry.channelId, { content: entry.handle.content ?? '' }) };
  });
  router.add('PATCH', '/webhooks/:app/:token/messages/:msg', (req) => {
    const entry = original(req);
    if (!entry) return discordError(404, 10015, 'Unknown Webhook');
    const gone = expired(entry);
    if (gone) return gone;
    if (entry.handle.callbackType === undefined) return discordError(404, 10008, 'Unknown Message');
    const body = obj(req.body);
    const invalid = contentProblem(body);
    if (invalid) return invalid;
    entry.handle.record({
      kind: 'edit',
      messageId: req.params.msg ?? '@original',
      data: body,
      atMs: performance.now(),
    });
    return {
      status: 200,
      body: originalMessage(entry.channelId, { ...body, content: entry.handle.content ?? '' }),
    };
  });
  router.add('DELETE', '/webhooks/:app/:token/messages/:msg', (req) => {
    const entry = original(req);
    if (!entry) return discordError(404, 10015, 'Unknown Webhook');
    const gone = expired(entry);
    if (gone) return gone;
    entry.handle.record({
      kind: 'delete',
      messageId: req.params.msg ?? '@original',
      atMs: performance.now(),
    });
    return { status: 204 };
  });
  // Same URL shape serves interaction follow-ups (app id) and incoming webhooks (webhook id).
  router.add('POST', '/webhooks/:app/:token', (req) => {
    const body = obj(req.body);
    const entry = original(req);
    const invalid = contentProblem(body);
    if (entry) {
      const gone = expired(entry);
      if (gone) return gone;
      if (entry.handle.callbackType === undefined)
        return discordError(400, 40060, 'Interaction has not been acknowledged.');
      if (invalid) return invalid;
      const message = originalMessage(entry.channelId, body);
      entry.handle.record({ kind: 'followUp', messageId: message.id, data: body, atMs: performance.now() });
      ctx.messages.push({
        id: message.id,
        channelId: entry.channelId,
        via: 'interaction',
        content: message.content,
        body,
      });
      return { status: 200, body: message };
    }
    const hook = ctx.webhooks.get(req.params.app ?? '');
    if (!hook || hook.token !== req.params.token) return discordError(404, 10015, 'Unknown Webhook');
    const refused = invalid ?? webhookNameProblem(body.username, 'username');
    if (refused) return refused;
    const id = ctx.nextId();
    const content = typeof body.content === 'string' ? body.content : undefined;
    ctx.messages.push({ id, channelId: hook.channelId, via: 'webhook', webhookId: hook.id, content, body });
    if (req.query.get('wait') !== 'true') return { status: 204 };
    const author = {
      id: hook.id,
      username: typeof body.username === 'string' ? body.username : hook.name,
      globalName: null,
      bot: true,
    };
    return {
      status: 200,
      body: apiMessage({
        id,
        channelId: hook.channelId,
        author,
        content: content ?? '',
        webhookId: hook.id,
        body,
      }),
    };
  });

  // A webhook deleted by the bot (Manage Webhooks) or with its own token.
  const deleteHook = (req: RestRequest): RestResult => {
    const hook = ctx.webhooks.get(req.params.hook ?? '');
    if (!hook || (req.params.token !== undefined && hook.token !== req.params.token))
      return discordError(404, 10015, 'Unknown Webhook');
    ctx.webhooks.delete(hook.id);
    return { status: 204 };
  };
  router.add('DELETE', '/webhooks/:hook', deleteHook);
  router.add('DELETE', '/webhooks/:hook/:token', deleteHook);
}
