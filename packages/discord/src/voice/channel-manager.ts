// The voice layer's entry point: one VoiceChannelSession per guild, joined with permission
// checks first and torn down on leave, empty channel, cap or a connection that cannot recover.
// Joins are serialised per guild (a second /join waits for the one in flight), and the session
// follows the bot wherever Discord says it is (a moderator may drag it to another channel).
import { type Persona, TypedEmitter } from '@troupe/realtime-core';
import type { Client, VoiceBasedChannel, VoiceState } from 'discord.js';
import type { ChannelScene, JoinOptions, LeaveReason, VoiceEvents, VoiceManagerPort } from '../voice-port.ts';
import { ChannelScenes } from './channel-scenes.ts';
import { VoiceChannelSession } from './channel-session.ts';
import { END_MESSAGES } from './connection-guard.ts';
import { checkPermissions, refuseStage } from './join-checks.ts';
import { classifyModelFailure, modelFailureForUsers, publicEvents } from './model-failure.ts';
import {
  type ChannelManagerOptions,
  DEFAULT_TUNING,
  VoiceBudgetError,
  VoiceBusyError,
  VoiceJoinError,
  type VoiceTuning,
} from './types.ts';
import { VoiceConnector } from './voice-connector.ts';

export { VoiceBusyError, VoiceJoinError } from './types.ts';

export class ChannelManager extends TypedEmitter<VoiceEvents> implements VoiceManagerPort {
  readonly #options: ChannelManagerOptions;
  readonly #tuning: VoiceTuning;
  readonly #sessions = new Map<string, VoiceChannelSession>();
  /** The join in flight per guild; the next one waits for it. */
  readonly #joining = new Map<string, Promise<unknown>>();
  readonly #watched = new WeakSet<Client>();
  /** Set by destroyAll: no new session may start. */
  #closed = false;
  readonly #connector = new VoiceConnector();
  readonly #scenes = new ChannelScenes();

  constructor(options: ChannelManagerOptions) {
    super();
    this.#options = options;
    this.#tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.onListenerError = (err, event) => options.logger.error({ err, event }, 'voice event listener threw');
  }

  get(guildId: string): VoiceChannelSession | undefined {
    return this.#sessions.get(guildId);
  }

  async join(
    channel: VoiceBasedChannel,
    persona: Persona,
    options: JoinOptions = {},
  ): Promise<VoiceChannelSession> {
    const guildId = channel.guild.id;
    // Without this, two joins both pass the "no session yet" check while the first awaits the
    // voice connection: two model sockets, greetings over each other, speakers split between them.
    await this.#settled(guildId);
    if (this.#closed) throw new VoiceJoinError('The bot is shutting down; try /join again in a minute.');
    const attempt = this.#join(channel, persona, options);
    this.#joining.set(guildId, attempt);
    try {
      return await attempt;
    } finally {
      if (this.#joining.get(guildId) === attempt) this.#joining.delete(guildId);
    }
  }

  async #join(
    channel: VoiceBasedChannel,
    persona: Persona,
    options: JoinOptions,
  ): Promise<VoiceChannelSession> {
    const existing = this.#sessions.get(channel.guild.id);
    if (existing && options.exclusive) throw new VoiceBusyError(existing.channelId, existing.persona.name);
    if (existing?.channelId === channel.id) {
      if (existing.persona.id !== persona.id) await existing.setPersona(persona);
      return existing;
    }
    if (existing) existing.end('left');
    refuseStage(channel);
    checkPermissions(channel);
    this.#watch(channel.client);
    const logger = this.#options.logger.child({ guildId: channel.guild.id, channelId: channel.id });
    const connection = await this.#connector.connect(channel, options.onQueued);
    let started = false;
    const session = new VoiceChannelSession({
      channel,
      connection,
      persona,
      options: this.#options,
      tuning: this.#tuning,
      logger,
      settings: this.#scenes.of(channel.guild.id, channel.id),
      vad: options.vad,
      // A session that never started was never announced: the /join caller is told why.
      emit: publicEvents(
        (event, ...args) => this.emit(event, ...args),
        () => started,
      ),
      onEnded: (s) => {
        if (this.#sessions.get(s.guildId) === s) this.#sessions.delete(s.guildId);
      },
    });
    this.#sessions.set(channel.guild.id, session);
    try {
      await session.start();
    } catch (err) {
      session.end('error', (err as Error).message);
      // Every model session of the process is in use: not a model failure, the caller says so.
      if (err instanceof VoiceBudgetError) throw err;
      const e = err as { code?: string; serverCode?: string; message?: string };
      logger.warn(
        { code: e.code, serverCode: e.serverCode, detail: e.message },
        'voice model unavailable at join',
      );
      throw new VoiceJoinError(`I joined, but ${modelFailureForUsers(classifyModelFailure(e))}.`);
    }
    if (this.#closed) {
      session.end('left');
      throw new VoiceJoinError('The bot is shutting down; try /join again in a minute.');
    }
    started = true;
    logger.info({ persona: persona.id }, 'voice session started');
    this.emit('sessionStarted', { guildId: channel.guild.id, channelId: channel.id });
    return session;
  }

  channelScene(guildId: string, channelId: string): ChannelScene {
    return { ...this.#scenes.of(guildId, channelId) };
  }

  async setChannelScene(
    guildId: string,
    channelId: string,
    change: Partial<ChannelScene>,
  ): Promise<ChannelScene> {
    const changed = this.#scenes.change(guildId, channelId, change);
    const session = this.#sessions.get(guildId);
    if (session?.channelId === channelId) await session.sceneSettingsChanged(changed);
    return this.channelScene(guildId, channelId);
  }

  /** Resolves once no join is in flight in the guild. */
  async #settled(guildId: string): Promise<void> {
    for (let inFlight = this.#joining.get(guildId); inFlight; inFlight = this.#joining.get(guildId))
      await inFlight.catch(() => undefined);
  }

  async leave(guildId: string, reason: LeaveReason = 'left'): Promise<boolean> {
    // A /leave racing a /join leaves what that join starts, instead of missing it.
    await this.#settled(guildId);
    const session = this.#sessions.get(guildId);
    if (!session) return false;
    if (reason === 'lease-lost') session.end('disconnected', END_MESSAGES.leaseLost);
    else session.end(reason);
    return true;
  }

  async destroyAll(): Promise<void> {
    // A join still connecting ends its own session when it gets there (see #join).
    this.#closed = true;
    for (const session of [...this.#sessions.values()]) session.end('left');
    // Let the deferred connection destroys run before the process exits.
    await new Promise((resolve) => setImmediate(resolve));
  }

  #watch(client: Client): void {
    if (this.#watched.has(client)) return;
    this.#watched.add(client);
    client.on('voiceStateUpdate', (oldState: VoiceState, newState: VoiceState) => {
      const session = this.#sessions.get(newState.guild.id);
      if (!session) return;
      if (newState.id === client.user?.id) this.#followBot(session, newState);
      else if (oldState.channelId === session.channelId || newState.channelId === session.channelId)
        session.checkOccupancy();
    });
  }

  /**
   * Discord says where the bot is. Moved by a moderator (Discord does not always close the voice
   * socket with 4014 then): the session, its occupancy and the store follow. Out of voice
   * (kicked, channel deleted): the session ends.
   */
  #followBot(session: VoiceChannelSession, state: VoiceState): void {
    const from = session.channelId;
    if (state.channelId === from) return;
    if (state.channelId === null || !state.channel) {
      // A fresh join (new keys, or a move that kept the old transport) leaves before it joins.
      if (session.rejoining) return;
      session.end('disconnected', END_MESSAGES.kicked);
      return;
    }
    session.moveTo(state.channel);
    this.#options.logger.info(
      { guildId: session.guildId, from, to: state.channelId },
      'moved to another voice channel',
    );
    this.emit('sessionMoved', { guildId: session.guildId, fromChannelId: from, channelId: state.channelId });
  }
}
