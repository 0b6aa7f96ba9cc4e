import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import tls from 'node:tls';
import {
  type APICommandAutocompleteInteractionResponseCallbackData,
  GatewayDispatchEvents,
  InteractionResponseType,
  InteractionType,
} from 'discord-api-types/v10';
import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import { resampleLinear, stereoToMono } from './audio/signal.ts';
import { type Pcm16Audio, readWav } from './audio/wav.ts';
import { writeCapture } from './capture.ts';
import { GatewayServer } from './gateway/gateway-server.ts';
import {
  buildCommandInteraction,
  type SlashContext,
  type SlashInvocation,
} from './interactions/build-interaction.ts';
import { CommandStore } from './interactions/command-store.ts';
import { InteractionHandle } from './interactions/interaction-handle.ts';
import { createIdFactory } from './model/ids.ts';
import type { SimUserSpec, UserState } from './model/types.ts';
import { World } from './model/world.ts';
import { registerAppRoutes } from './rest/app-routes.ts';
import type { RestContext } from './rest/context.ts';
import { registerGuildRoutes } from './rest/guild-routes.ts';
import { RestServer } from './rest/rest-server.ts';
import { buildRtpPacket } from './rtp/rtp.ts';
import type { DiscordSimFaults, DiscordSimOptions, DiscordSimStats } from './sim-types.ts';
import { Listener } from './users/listener.ts';
import {
  type PreEncodedSpeech,
  type RtpSenderState,
  type SpeakOptions,
  type SpeakResult,
  speakPcm,
} from './users/speaker.ts';
import { generateCertificate } from './voice/certificate.ts';
import { VoiceServer } from './voice/voice-server.ts';
import type { VoiceSession } from './voice/voice-session.ts';
import { VoicePresence } from './voice-presence.ts';

/**
 * Audio a simulated user can speak: 48 kHz mono PCM, a decoded WAV, a WAV file path, or speech
 * already encoded with `encodeSpeech` (then `bitrate` does not apply).
 */
export type SpeakInput = Int16Array | Pcm16Audio | string | PreEncodedSpeech;

function toSpeakSource(input: SpeakInput): Int16Array | PreEncodedSpeech {
  if (typeof input === 'string' || input instanceof Int16Array) return toMono48k(input);
  return 'opusFrames' in input ? input : toMono48k(input);
}

function toMono48k(input: Int16Array | Pcm16Audio | string): Int16Array {
  if (input instanceof Int16Array) return input;
  const audio = typeof input === 'string' ? readWav(input) : input;
  const mono = audio.channels === 2 ? stereoToMono(audio.samples) : audio.samples;
  if (audio.channels > 2)
    throw new Error(`speak(): ${audio.channels}-channel audio is not supported; use mono or stereo`);
  return resampleLinear(mono, audio.sampleRate, 48_000);
}

/** A running local Discord. Create with {@link startDiscordSim}; always `close()` it. */
export class DiscordSim {
  /** Pass as `new Client({ rest: { api: sim.restApi } })`. */
  readonly restApi: string;
  readonly token: string;
  readonly applicationId: string;
  readonly stats: DiscordSimStats;
  readonly faults: DiscordSimFaults;
  /** Every REST call the bot made (unknown routes too, answered 404). */
  readonly requests: RestServer['requests'];
  /** Messages the bot posted: channel messages, webhook executions, interaction replies/follow-ups. */
  readonly messages: RestContext['messages'];
  readonly webhooks: RestContext['webhooks'];
  readonly world: World;
  private readonly rest: RestServer;
  private readonly gateway: GatewayServer;
  private readonly voice: VoiceServer;
  private readonly presence: VoicePresence;
  private readonly ctx: RestContext;
  private readonly listeners = new Map<string, Listener>();
  private readonly senders = new Map<string, RtpSenderState>();
  private readonly nonces = new Map<string, number>();
  private readonly cert: string;
  private readonly changes: EventEmitter;

  /** @internal use startDiscordSim */
  constructor(parts: {
    rest: RestServer;
    gateway: GatewayServer;
    voice: VoiceServer;
    presence: VoicePresence;
    ctx: RestContext;
    restApi: string;
    cert: string;
    changes: EventEmitter;
  }) {
    this.changes = parts.changes;
    this.rest = parts.rest;
    this.gateway = parts.gateway;
    this.voice = parts.voice;
    this.presence = parts.presence;
    this.ctx = parts.ctx;
    this.world = parts.ctx.world;
    this.restApi = parts.restApi;
    this.token = parts.ctx.token;
    this.applicationId = parts.ctx.applicationId;
    this.cert = parts.cert;
    this.requests = parts.rest.requests;
    this.messages = parts.ctx.messages;
    this.webhooks = parts.ctx.webhooks;
    this.stats = { gateway: parts.gateway.stats, voice: parts.voice.stats };
    const { gateway, voice, rest } = parts;
    this.faults = {
      closeVoice: (code, opts) =>
        voice.closeBot(code, {
          guildId: opts?.guild ? this.world.guild(opts.guild).id : undefined,
          repeat: opts?.repeat,
        }),
      dropUdp: (ms, direction) => voice.dropUdp(ms, direction),
      killGateway: (code) => gateway.kill(code),
      rateLimit: (fault) => rest.addRateLimit(fault),
      get voiceStateUpdates() {
        return gateway.stats.voiceStateUpdates;
      },
    };
  }

  /** Makes this process trust the voice server's certificate (Node ≥ 24.5). */
  trustCertificate(): void {
    const current = tls.getCACertificates('default');
    if (!current.includes(this.cert)) tls.setDefaultCACertificates([...current, this.cert]);
  }

  /** The bot's user id (equal to the application id). */
  get botUserId(): string {
    return this.world.bot.id;
  }

  user(ref: string): UserState {
    return this.world.user(ref);
  }

  /** Declares another simulated user (add it to a guild with `addMember`). */
  addUser(spec: SimUserSpec): UserState {
    return this.world.addUser(spec);
  }

  guildId(ref?: string): string {
    return this.world.guild(ref).id;
  }

  channelId(ref: string): string {
    return this.world.channel(ref).id;
  }

  /** Registered application commands (global when `guild` is omitted). */
  commands(guild?: string) {
    return this.ctx.commands.list(guild === undefined ? undefined : this.guildId(guild));
  }

  /** Resolves once the bot is connected to the gateway (identified or resumed). */
  waitForGateway(): Promise<void> {
    return this.gateway.waitForClient();
  }

  /**
   * Resolves once `predicate` holds, re-checking whenever the sim observes gateway or voice
   * traffic (e.g. `await sim.until(() => sim.stats.voice.resumes === 1)`).
   */
  until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.changes.off('change', check);
        reject(new Error(`sim.until: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.changes.off('change', check);
        resolve();
      };
      this.changes.on('change', check);
    });
  }

  /** Sends any gateway dispatch to the bot. */
  dispatch(t: string, d: unknown): void {
    this.gateway.dispatch(t, d);
  }

  joinVoice(user: string, channel: string): void {
    this.presence.join(user, channel);
  }

  leaveVoice(user: string): void {
    this.presence.leave(user);
  }

  /** The bot's voice session in a guild, once it has asked to join. */
  botVoice(guild?: string): VoiceSession | undefined {
    return this.voice.sessions.get(this.guildId(guild));
  }

  /** What `user` hears from the bot. */
  listener(user: string): Listener {
    const id = this.world.user(user).id;
    let l = this.listeners.get(id);
    if (!l) {
      l = new Listener(id);
      this.listeners.set(id, l);
    }
    return l;
  }

  /**
   * `user` speaks into its voice channel as real Opus RTP, paced at 20 ms; resolves when done.
   * The op 5 Speaking that maps its SSRC goes out first, as Discord does.
   */
  async speak(user: string, input: SpeakInput, opts: SpeakOptions = {}): Promise<SpeakResult> {
    const u = this.world.user(user);
    const source = toSpeakSource(input);
    let state = this.senders.get(u.id);
    if (!state) {
      state = { ssrc: this.voice.allocateSsrc(), sequence: (u.id.length * 7919) & 0xffff, timestamp: 0 };
      this.senders.set(u.id, state);
    }
    const sender = state;
    const transmit = (spec: Parameters<typeof buildRtpPacket>[2]) => {
      const s = this.sessionFor(u.id);
      if (!s?.key || !s.mode) return false;
      this.mapSpeaker(s, u.id, sender.ssrc);
      const counter = ((this.nonces.get(u.id) ?? 0) + 1) >>> 0;
      this.nonces.set(u.id, counter);
      return this.voice.sendRtp(s, buildRtpPacket(s.mode, s.key, spec, counter));
    };
    const first = this.sessionFor(u.id);
    if (first?.key) this.mapSpeaker(first, u.id, sender.ssrc);
    return speakPcm(source, sender, transmit, opts);
  }

  /** Invokes a slash command as `ctx.user`; the handle records the bot's responses. */
  async slash(ctx: SlashContext, name: string, invocation: SlashInvocation = {}): Promise<InteractionHandle> {
    return this.interact(InteractionType.ApplicationCommand, ctx, name, invocation);
  }

  /** Simulates typing into an autocomplete option; resolves with the choices the bot returned. */
  async autocomplete(
    ctx: SlashContext,
    name: string,
    invocation: SlashInvocation & { focused: string },
  ): Promise<{ name: string; value: string | number }[]> {
    const handle = this.interact(InteractionType.ApplicationCommandAutocomplete, ctx, name, invocation);
    const r = await handle.firstResponse();
    if (r.type !== InteractionResponseType.ApplicationCommandAutocompleteResult)
      throw new Error(`autocomplete answered with callback type ${r.type}, expected 8`);
    return ((r.data as APICommandAutocompleteInteractionResponseCallbackData).choices ?? []) as {
      name: string;
      value: string | number;
    }[];
  }

  /** PEM of the voice server's self-signed certificate (for NODE_EXTRA_CA_CERTS in a child process). */
  get certificatePem(): string {
    return this.cert;
  }

  /** Open voice WebSockets from the bot, over all guilds (a crashed bot's sockets close with it). */
  openVoiceSockets(): number {
    return this.voice.openSockets();
  }

  async close(): Promise<void> {
    writeCapture(this.token, this.requests, this.messages);
    await this.gateway.close();
    await this.voice.close();
    await this.rest.close();
  }

  private interact(
    type: InteractionType.ApplicationCommand | InteractionType.ApplicationCommandAutocomplete,
    ctx: SlashContext,
    name: string,
    invocation: SlashInvocation,
  ): InteractionHandle {
    const guild = this.world.guild(ctx.guild);
    const command = this.ctx.commands.find(name, guild.id);
    const id = this.ctx.nextId();
    const token = `itoken-${id}-${randomBytes(6).toString('hex')}`;
    const payload = buildCommandInteraction({
      world: this.world,
      applicationId: this.applicationId,
      id,
      token,
      type,
      command,
      name,
      commandId: command?.id ?? this.ctx.nextId(),
      ctx,
      invocation,
    });
    const handle = new InteractionHandle(id, token, performance.now());
    this.ctx.interactions.set(token, { handle, channelId: payload.channel?.id ?? '' });
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return handle;
  }

  private sessionFor(userId: string): VoiceSession | undefined {
    for (const g of this.world.guilds.values()) {
      const v = g.voiceStates.get(userId);
      if (!v) continue;
      const s = this.voice.sessions.get(g.id);
      if (s?.channelId === v.channelId && s.ws) return s;
    }
    return undefined;
  }

  private mapSpeaker(s: VoiceSession, userId: string, ssrc: number): void {
    if (s.mapped.has(userId)) return;
    s.mapped.add(userId);
    this.voice.send(s, VoiceOpcodes.Speaking, { user_id: userId, ssrc, speaking: 1, delay: 0 });
  }

  /** @internal fan a bot packet out to every listener in the channel. */
  onBotPacket(s: VoiceSession, opus: Uint8Array, sequence: number, timestamp: number, atMs: number): void {
    const guild = this.world.guilds.get(s.guildId);
    if (!guild) return;
    for (const v of guild.voiceStates.values()) {
      if (v.userId === s.userId || v.channelId !== s.channelId || v.selfDeaf) continue;
      this.listener(v.userId).push(opus, sequence, timestamp, atMs);
    }
  }
}

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
  const commands = new CommandStore(applicationId, nextId);
  let sim: DiscordSim | undefined;
  let gateway: GatewayServer | undefined;
  let voice: VoiceServer | undefined;
  const presence = new VoicePresence(
    world,
    () => gateway as GatewayServer,
    () => voice as VoiceServer,
  );
  const ctx: RestContext = {
    world,
    applicationId,
    token,
    commands,
    nextId,
    gatewayUrl: () => gateway?.url ?? '',
    interactions: new Map(),
    messages: [],
    webhooks: new Map(),
    dispatch: (t, d) => gateway?.dispatch(t, d),
  };
  registerAppRoutes(rest.router, ctx);
  registerGuildRoutes(rest.router, ctx);
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
  });
  return sim;
}
