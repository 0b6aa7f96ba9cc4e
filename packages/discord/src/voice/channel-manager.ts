// The voice layer's entry point: one VoiceChannelSession per guild, joined with permission
// checks first and torn down on leave, empty channel, cap or a connection that cannot recover.
// Joins are serialised per guild (a second /join waits for the one in flight), and the session
// follows the bot wherever Discord says it is (a moderator may drag it to another channel).
import { entersState, joinVoiceChannel, type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import { type Persona, TypedEmitter } from '@troupe/realtime-core';
import { type Client, PermissionFlagsBits, type VoiceBasedChannel, type VoiceState } from 'discord.js';
import type { JoinOptions, LeaveReason, VoiceEvents, VoiceManagerPort } from '../voice-port.ts';
import { VoiceChannelSession } from './channel-session.ts';
import { END_MESSAGES, protectConnection } from './connection-guard.ts';
import { classifyModelFailure, modelFailureForUsers } from './model-failure.ts';
import {
  type ChannelManagerOptions,
  DEFAULT_TUNING,
  VoiceBusyError,
  VoiceJoinError,
  type VoiceTuning,
} from './types.ts';

export { VoiceBusyError, VoiceJoinError } from './types.ts';

const READY_TIMEOUT_MS = 20_000;
/**
 * Discord allows a shard 120 gateway commands a minute (@discordjs/ws holds back anything past
 * 115 until the minute is over: https://discord.com/developers/docs/events/gateway#rate-limiting).
 * A burst of joins (many /join at once, a restart rejoining every channel) leaves an op 4 queued
 * in the bot for up to a minute before Discord even sees it, so the wait for Discord's answer
 * grows by a window for every this-many joins waiting on the same shard.
 */
const JOINS_PER_WINDOW = 100;
const SEND_WINDOW_MS = 62_000;
/** Still waiting for Discord after this long: the caller is told it may take a minute. */
const QUEUED_NOTICE_MS = 3000;

export class ChannelManager extends TypedEmitter<VoiceEvents> implements VoiceManagerPort {
  readonly #options: ChannelManagerOptions;
  readonly #tuning: VoiceTuning;
  readonly #sessions = new Map<string, VoiceChannelSession>();
  /** The join in flight per guild; the next one waits for it. */
  readonly #joining = new Map<string, Promise<unknown>>();
  readonly #watched = new WeakSet<Client>();
  /** Set by destroyAll: no new session may start. */
  #closed = false;
  /** Joins whose op 4 Discord has not answered yet, per shard. */
  readonly #signalling = new Map<number, number>();

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
    checkPermissions(channel);
    this.#watch(channel.client);
    const logger = this.#options.logger.child({ guildId: channel.guild.id, channelId: channel.id });
    const connection = joinVoiceChannel({
      channelId: channel.id,
      guildId: channel.guild.id,
      adapterCreator: channel.guild.voiceAdapterCreator,
      selfDeaf: false,
      selfMute: false,
    });
    // Before any datagram arrives: a runt on the voice UDP port would otherwise crash the process.
    protectConnection(connection);
    try {
      await this.#untilReady(connection, channel.guild.shardId, options.onQueued);
    } catch {
      connection.destroy();
      throw new VoiceJoinError(
        `I could not connect to ${channel.name} within ${READY_TIMEOUT_MS / 1000} s. Discord voice may be having trouble; try /join again.`,
      );
    }
    let started = false;
    const session = new VoiceChannelSession({
      channel,
      connection,
      persona,
      options: this.#options,
      tuning: this.#tuning,
      logger,
      vad: options.vad,
      emit: (event, ...args) => {
        if (event === 'sessionEnded') {
          // A session that never started was never announced: the /join caller is told why.
          if (!started) return;
          const e = args[0] as VoiceEvents['sessionEnded'][0];
          if (e.reason === 'error' && e.modelError) {
            // The channel hears plain words; the model's operator advice stays in the log.
            const kind = classifyModelFailure({ code: e.modelError, message: e.message });
            const { message: detail, ...rest } = e;
            this.emit('sessionEnded', { ...rest, message: modelFailureForUsers(kind), detail: detail ?? '' });
            return;
          }
        }
        this.emit(event, ...args);
      },
      onEnded: (s) => {
        if (this.#sessions.get(s.guildId) === s) this.#sessions.delete(s.guildId);
      },
    });
    this.#sessions.set(channel.guild.id, session);
    try {
      await session.start();
    } catch (err) {
      session.end('error', (err as Error).message);
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

  /** Discord answers the op 4 (it may sit in the shard's send queue first), then voice connects. */
  async #untilReady(connection: VoiceConnection, shardId: number, onQueued?: () => void): Promise<void> {
    const pending = (this.#signalling.get(shardId) ?? 0) + 1;
    this.#signalling.set(shardId, pending);
    const notice = setTimeout(() => onQueued?.(), QUEUED_NOTICE_MS);
    try {
      const answerMs = READY_TIMEOUT_MS + Math.ceil(pending / JOINS_PER_WINDOW) * SEND_WINDOW_MS;
      await entersState(connection, VoiceConnectionStatus.Connecting, answerMs);
    } finally {
      clearTimeout(notice);
      this.#signalling.set(shardId, (this.#signalling.get(shardId) ?? 1) - 1);
    }
    await entersState(connection, VoiceConnectionStatus.Ready, READY_TIMEOUT_MS);
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

/** Refuses a join the bot could not carry out, naming exactly what is missing. */
function checkPermissions(channel: VoiceBasedChannel): void {
  const me = channel.guild.members.me;
  const perms = me ? channel.permissionsFor(me) : null;
  const missing = [
    ['View Channel', PermissionFlagsBits.ViewChannel],
    ['Connect', PermissionFlagsBits.Connect],
    ['Speak', PermissionFlagsBits.Speak],
  ]
    .filter(([, bit]) => !perms?.has(bit as bigint))
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new VoiceJoinError(
      `I need the ${missing.join(', ')} permission${missing.length > 1 ? 's' : ''} in ${channel.name}. Ask a server admin to grant ${missing.length > 1 ? 'them' : 'it'} to my role (channel settings → Permissions).`,
    );
  }
  // Discord keeps anyone without Move Members out of a channel at its user limit, without a word:
  // the join would only time out.
  if (channel.full && !perms?.has(PermissionFlagsBits.MoveMembers)) {
    throw new VoiceJoinError(
      `${channel.name} is full (${channel.userLimit} of ${channel.userLimit} places taken). Ask someone to leave it, raise its user limit, or give my role the Move Members permission, then try /join again.`,
    );
  }
}
