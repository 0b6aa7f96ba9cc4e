import type { EventEmitter } from 'node:events';
import tls from 'node:tls';
import {
  type APICommandAutocompleteInteractionResponseCallbackData,
  InteractionResponseType,
  InteractionType,
} from 'discord-api-types/v10';
import { writeCapture } from './capture.ts';
import type { GatewayServer, ShardSessionInfo } from './gateway/gateway-server.ts';
import type { SimAttachment, SlashContext, SlashInvocation } from './interactions/build-interaction.ts';
import { dispatchButtonClick } from './interactions/component-interaction.ts';
import { dispatchInteraction } from './interactions/dispatch-interaction.ts';
import type { InteractionHandle, MessageView } from './interactions/interaction-handle.ts';
import type { SimUserSpec, UserState } from './model/types.ts';
import type { World } from './model/world.ts';
import type { RestContext } from './rest/context.ts';
import type { RestServer } from './rest/rest-server.ts';
import type { SimDave } from './sim-dave.ts';
import type { DiscordSimFaults, DiscordSimStats } from './sim-types.ts';
import type { Listener } from './users/listener.ts';
import type { SpeakInput } from './users/speak-input.ts';
import type { SpeakOptions, SpeakResult } from './users/speaker.ts';
import type { DaveHub } from './voice/dave-hub.ts';
import type { PreparedVoiceFuzz } from './voice/fuzz-driver.ts';
import type { VoiceFuzzOptions } from './voice/voice-fuzz.ts';
import type { VoiceServer } from './voice/voice-server.ts';
import type { VoiceSession } from './voice/voice-session.ts';
import type { VoiceMedia } from './voice-media.ts';
import type { VoicePresence } from './voice-presence.ts';

export type { SpeakInput } from './users/speak-input.ts';

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
  /** DAVE (E2EE): group snapshots, simulated members' DAVE clients, fault switches. */
  readonly dave: SimDave;
  private readonly rest: RestServer;
  private readonly gateway: GatewayServer;
  private readonly voice: VoiceServer;
  private readonly presence: VoicePresence;
  private readonly ctx: RestContext;
  private readonly media: VoiceMedia;
  private readonly hub: DaveHub;
  private readonly botTokens: ReadonlyMap<string, string>;
  private readonly cert: string;
  private readonly changes: EventEmitter;
  private readonly clock: { offsetMs: number };

  /** @internal use startDiscordSim */
  constructor(parts: {
    rest: RestServer;
    gateway: GatewayServer;
    voice: VoiceServer;
    presence: VoicePresence;
    media: VoiceMedia;
    hub: DaveHub;
    dave: SimDave;
    ctx: RestContext;
    restApi: string;
    cert: string;
    changes: EventEmitter;
    /** Tokens of further bot accounts, by username. */
    botTokens: ReadonlyMap<string, string>;
    clock: { offsetMs: number };
  }) {
    this.changes = parts.changes;
    this.clock = parts.clock;
    this.rest = parts.rest;
    this.gateway = parts.gateway;
    this.voice = parts.voice;
    this.presence = parts.presence;
    this.media = parts.media;
    this.hub = parts.hub;
    this.dave = parts.dave;
    this.botTokens = parts.botTokens;
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
      stopVoiceCloses: () => voice.stopCloses(),
      staleTransportKey: (opts) =>
        voice.staleTransportKey(opts?.guild ? this.world.guild(opts.guild).id : undefined),
      voiceFrame: (data, opts) =>
        voice.sendRawFrame(data, opts?.guild ? this.world.guild(opts.guild).id : undefined),
      dropUdp: (ms, direction) => voice.dropUdp(ms, direction),
      killGateway: (code, shardId) => gateway.kill(code, shardId),
      rateLimit: (fault) => rest.addRateLimit(fault),
      deleteWebhooks: (channel) => {
        const channelId = this.world.channel(channel).id;
        const hooks = [...this.ctx.webhooks.values()].filter((h) => h.channelId === channelId);
        for (const h of hooks) this.ctx.webhooks.delete(h.id);
        return hooks.length;
      },
      moveBot: (channel, how = 'state') => {
        const c = this.world.channel(channel);
        this.presence.moveBot(c.guildId, c.id, how);
      },
      get voiceStateUpdates() {
        return gateway.stats.voiceStateUpdates;
      },
      dave: parts.dave.faults,
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

  /** The gateway token of a further bot account declared in `startDiscordSim({ bots })`. */
  botToken(username: string): string {
    const token = this.botTokens.get(username);
    if (!token)
      throw new Error(`botToken: no bot account "${username}"; declare it in startDiscordSim({ bots })`);
    return token;
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

  /** Every gateway session of every bot account, with its shard, connection and guild count. */
  gatewaySessions(): ShardSessionInfo[] {
    return this.gateway.shardSessions();
  }

  /**
   * Resolves once `predicate` holds, re-checking whenever the sim observes gateway, voice or REST
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

  /** A bot's voice session in a guild (default: the application's bot), once it has asked to join. */
  botVoice(guild?: string, bot?: string): VoiceSession | undefined {
    return this.voice.session(this.guildId(guild), bot ? this.world.user(bot).id : this.world.bot.id);
  }

  /** What `user` hears from a bot (default: the application's bot). */
  listener(user: string, opts: { from?: string } = {}): Listener {
    const from = opts.from ? this.world.user(opts.from).id : this.world.bot.id;
    return this.media.listener(this.world.user(user).id, from);
  }

  /**
   * `user` speaks into its voice channel as real Opus RTP, paced at 20 ms; resolves after the last
   * packet. By default its client is in voice-activity mode: pauses in the clip become 5 silence
   * frames and then no packets (see `SpeakOptions.mode` for push-to-talk and open-mic).
   * Every bot in the channel receives it; in an E2EE call the user's DAVE client encrypts each
   * frame. The op 5 Speaking that maps its SSRC goes out first, as Discord does.
   */
  async speak(user: string, input: SpeakInput, opts: SpeakOptions = {}): Promise<SpeakResult> {
    return this.media.speak(this.world.user(user).id, input, opts);
  }

  /**
   * Raw datagrams straight to the bot's voice UDP port in `guild` (default: the first), in bursts
   * of `batch` per event-loop turn. Anything goes: the bot must survive whatever arrives there.
   */
  sendRawUdp(
    datagrams: readonly Uint8Array[],
    opts: { guild?: string; batch?: number } = {},
  ): Promise<{ sent: number; undelivered: number }> {
    const s = this.botVoice(opts.guild);
    if (!s?.udp) throw new Error('sendRawUdp: the bot has no voice connection here yet; join it first');
    return this.voice.sendRawToBot(s, datagrams, opts.batch);
  }

  /**
   * Prepares a flood of seeded hostile RTP from `user` (in the bot's voice channel): corrupt,
   * truncated, padded, extension-bearing and mis-keyed packets, plus garbage and unknown SSRCs
   * (see {@link planVoiceFuzz}). In an E2EE call the user's DAVE client encrypts the payloads it
   * delivers. Announces the user's SSRC as Discord does. Every datagram is built here, so `run()`
   * only sends: bursts of `batch` per event-loop turn, `gapMs` between rounds.
   */
  async prepareVoiceFuzz(
    user: string,
    opts: VoiceFuzzOptions & { gapMs?: number; batch?: number },
  ): Promise<PreparedVoiceFuzz> {
    const u = this.world.user(user);
    const target = this.media.botSessionsFor(u.id).find((s) => s.userId === this.world.bot.id);
    if (!target)
      throw new Error(
        `prepareVoiceFuzz: ${user} is not in a voice channel with a connected bot; join both first`,
      );
    return this.media.prepareVoiceFuzz(u.id, target, opts);
  }

  /** Moves the clock of Discord's interaction deadlines (3 s to answer, 15 min token) forward. */
  advanceClock(ms: number): void {
    this.clock.offsetMs += ms;
  }

  /** Where hosted attachments are served (like cdn.discordapp.com): `http://127.0.0.1:PORT`. */
  get attachmentOrigin(): string {
    return new URL(this.restApi).origin;
  }

  /** Hosts `bytes` as an uploaded file; pass the result in a slash command's `attachments`. */
  attachment(filename: string, bytes: Uint8Array, contentType = 'application/octet-stream'): SimAttachment {
    const id = this.ctx.nextId();
    this.ctx.files.set(id, { filename, bytes, contentType });
    return {
      filename,
      size: bytes.byteLength,
      url: `${this.attachmentOrigin}/attachments/${id}/${encodeURIComponent(filename)}`,
      contentType,
    };
  }

  /** Invokes a slash command as `ctx.user`; the handle records the bot's responses. */
  async slash(ctx: SlashContext, name: string, invocation: SlashInvocation = {}): Promise<InteractionHandle> {
    return dispatchInteraction(
      this.ctx,
      this.gateway,
      InteractionType.ApplicationCommand,
      ctx,
      name,
      invocation,
    );
  }

  /** `ctx.user` clicks button `customId` on a reply or on a message an earlier click updated. */
  clickButton(ctx: SlashContext, on: InteractionHandle | MessageView, customId: string): InteractionHandle {
    const source = 'responses' in on ? on.message : on;
    return dispatchButtonClick(this.ctx, this.gateway, ctx, source, customId);
  }

  /** Simulates typing into an autocomplete option; resolves with the choices the bot returned. */
  async autocomplete(
    ctx: SlashContext,
    name: string,
    invocation: SlashInvocation & { focused: string },
  ): Promise<{ name: string; value: string | number }[]> {
    const handle = dispatchInteraction(
      this.ctx,
      this.gateway,
      InteractionType.ApplicationCommandAutocomplete,
      ctx,
      name,
      invocation,
    );
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
    writeCapture(this.token, this.requests, this.messages, {
      webhookTokens: this.ctx.issuedWebhookTokens,
      interactionTokens: [...this.ctx.interactions.keys()],
    });
    await this.gateway.close();
    await this.voice.close();
    await this.rest.close();
    this.hub.close();
  }
}
