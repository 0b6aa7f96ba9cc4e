import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { GatewayServer } from './gateway/gateway-server.ts';
import { CommandStore } from './interactions/command-store.ts';
import { createIdFactory } from './model/ids.ts';
import type { UserState } from './model/types.ts';
import { World } from './model/world.ts';
import { registerAppRoutes } from './rest/app-routes.ts';
import type { RestContext } from './rest/context.ts';
import { registerGuildRoutes } from './rest/guild-routes.ts';
import { registerMessageDeleteRoute } from './rest/message-delete-route.ts';
import { RestServer } from './rest/rest-server.ts';
import { registerUserRoutes } from './rest/user-routes.ts';
import { DiscordSim } from './sim.ts';
import { SimDave } from './sim-dave.ts';
import type { DiscordSimOptions } from './sim-types.ts';
import { generateCertificate } from './voice/certificate.ts';
import { DaveHub } from './voice/dave-hub.ts';
import { VoiceServer } from './voice/voice-server.ts';
import { VoiceMedia } from './voice-media.ts';
import { VoicePresence } from './voice-presence.ts';

/** Starts REST + gateway + voice servers on 127.0.0.1 ephemeral ports. */
export async function startDiscordSim(options: DiscordSimOptions): Promise<DiscordSim> {
  const nextId = createIdFactory();
  const applicationId = options.applicationId ?? nextId();
  const bot: UserState = {
    id: applicationId,
    username: options.botUsername ?? 'troupe-bot',
    globalName: null,
    bot: true,
  };
  const otherBots = (options.bots ?? []).map((b) => ({ ...b, bot: true as const }));
  const world = new World({
    bot,
    users: [...(options.users ?? []), ...otherBots],
    guilds: options.guilds,
    nextId,
  });
  // Further bot accounts are members of every guild, like the application's bot.
  for (const b of otherBots) world.addMemberEverywhere(world.user(b.username).id);
  const token = options.token ?? `sim.${randomBytes(12).toString('hex')}`;
  const botTokens = new Map(
    otherBots.map((b) => [b.username, b.token ?? `sim.${randomBytes(12).toString('hex')}`]),
  );
  const rest = new RestServer();
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  rest.onRequest = () => changes.emit('change');
  const commands = new CommandStore(applicationId, nextId);
  let gateway: GatewayServer | undefined;
  let voice: VoiceServer | undefined;
  const dave: DaveHub = new DaveHub({
    transitionTimeoutMs: options.daveTransitionTimeoutMs ?? 2000,
    simUsersCommit: options.daveSimUsersCommit ?? true,
    simUsersIn: (c): string[] => presence.simUsersInChannel(c),
    onTransitionExecuted: (c) => media?.transitionExecuted(c),
    onChange: () => changes.emit('change'),
  });
  const presence: VoicePresence = new VoicePresence(
    world,
    () => gateway as GatewayServer,
    () => voice as VoiceServer,
    () => dave,
  );
  const clock = { offsetMs: 0 };
  const ctx: RestContext = {
    world,
    applicationId,
    token,
    commands,
    nextId,
    gatewayUrl: () => gateway?.url ?? '',
    recommendedShards: options.shards ?? 1,
    maxConcurrency: options.maxConcurrency ?? 1,
    interactions: new Map(),
    now: () => performance.now() + clock.offsetMs,
    files: new Map(),
    messages: [],
    webhooks: new Map(),
    issuedWebhookTokens: [],
    dispatch: (t, d) => gateway?.dispatch(t, d),
    hasIntent: (bit) => gateway?.hasIntent(bit) ?? false,
  };
  registerAppRoutes(rest.router, ctx);
  registerGuildRoutes(rest.router, ctx);
  registerUserRoutes(rest.router, ctx);
  registerMessageDeleteRoute(rest.router, ctx);
  gateway = new GatewayServer(rest.http, {
    world,
    token,
    applicationId,
    otherBots: new Map(otherBots.map((b) => [botTokens.get(b.username) as string, world.user(b.username)])),
    heartbeatIntervalMs: options.gatewayHeartbeatMs ?? 41_250,
    guildsPerShard: options.guildsPerShard,
    onVoiceStateUpdate: (d, userId, sessionId) => presence.onBotVoiceStateUpdate(d, userId, sessionId),
    onChange: () => changes.emit('change'),
  });
  const certificate = await generateCertificate();
  voice = new VoiceServer({
    certificate,
    modes: options.encryptionModes,
    heartbeatIntervalMs: options.voiceHeartbeatMs,
    usersInChannel: (c) => presence.usersInChannel(c),
    daveRequired: (c) => {
      const channel = world.channel(c);
      if (channel.type === 'stage') return false;
      return channel.dave ?? options.dave ?? true;
    },
    dave,
    onBotPacket: (s, p, at) => media?.onBotPacket(s, p, at),
    onDisconnected: (s) => presence.onBotDisconnected(s),
    onChange: () => changes.emit('change'),
  });
  let media: VoiceMedia | undefined;
  const port = await rest.listen();
  gateway.url = `ws://127.0.0.1:${port}/gateway`;
  await voice.listen();
  media = new VoiceMedia(world, voice, dave);
  const sim = new DiscordSim({
    media,
    hub: dave,
    dave: new SimDave(dave, world, (c) => presence.simUsersInChannel(c)),
    botTokens,
    rest,
    gateway,
    voice,
    presence,
    ctx,
    restApi: `http://127.0.0.1:${port}/api`,
    cert: certificate.cert,
    changes,
    clock,
  });
  return sim;
}
