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
import type { DiscordSimOptions } from './sim-types.ts';
import { generateCertificate } from './voice/certificate.ts';
import { VoiceServer } from './voice/voice-server.ts';
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
  const world = new World({ bot, users: options.users ?? [], guilds: options.guilds, nextId });
  const token = options.token ?? `sim.${randomBytes(12).toString('hex')}`;
  const rest = new RestServer();
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  rest.onRequest = () => changes.emit('change');
  const commands = new CommandStore(applicationId, nextId);
  let sim: DiscordSim | undefined;
  let gateway: GatewayServer | undefined;
  let voice: VoiceServer | undefined;
  const presence = new VoicePresence(
    world,
    () => gateway as GatewayServer,
    () => voice as VoiceServer,
  );
  const clock = { offsetMs: 0 };
  const ctx: RestContext = {
    world,
    applicationId,
    token,
    commands,
    nextId,
    gatewayUrl: () => gateway?.url ?? '',
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
    heartbeatIntervalMs: options.gatewayHeartbeatMs ?? 41_250,
    onVoiceStateUpdate: (d) => presence.onBotVoiceStateUpdate(d),
    onChange: () => changes.emit('change'),
  });
  const certificate = await generateCertificate();
  voice = new VoiceServer({
    certificate,
    modes: options.encryptionModes,
    heartbeatIntervalMs: options.voiceHeartbeatMs,
    usersInChannel: (c) => presence.usersInChannel(c),
    onBotPacket: (s, p, at) => sim?.onBotPacket(s, p.opus, p.sequence, p.timestamp, at),
    onDisconnected: (s) => presence.onBotDisconnected(s),
    onChange: () => changes.emit('change'),
  });
  const port = await rest.listen();
  gateway.url = `ws://127.0.0.1:${port}/gateway`;
  await voice.listen();
  sim = new DiscordSim({
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
