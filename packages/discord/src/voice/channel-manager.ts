// The voice layer's entry point: one VoiceChannelSession per guild, joined with permission
// checks first and torn down on leave, empty channel, cap or a connection that cannot recover.
import { entersState, joinVoiceChannel, VoiceConnectionStatus } from '@discordjs/voice';
import { type Persona, TypedEmitter } from '@troupe/realtime-core';
import {
  ChannelType,
  type Client,
  PermissionFlagsBits,
  type VoiceBasedChannel,
  type VoiceState,
} from 'discord.js';
import type { VoiceEvents, VoiceManagerPort } from '../voice-port.ts';
import { VoiceChannelSession } from './channel-session.ts';
import { protectConnection } from './connection-guard.ts';
import { waitForE2ee } from './e2ee.ts';
import { type ChannelManagerOptions, DEFAULT_TUNING, VoiceJoinError, type VoiceTuning } from './types.ts';

export { VoiceJoinError } from './types.ts';

const READY_TIMEOUT_MS = 20_000;
/** How long the MLS group may take to form after Ready before the join is abandoned. */
const E2EE_TIMEOUT_MS = 15_000;

export class ChannelManager extends TypedEmitter<VoiceEvents> implements VoiceManagerPort {
  readonly #options: ChannelManagerOptions;
  readonly #tuning: VoiceTuning;
  readonly #sessions = new Map<string, VoiceChannelSession>();
  readonly #watched = new WeakSet<Client>();

  constructor(options: ChannelManagerOptions) {
    super();
    this.#options = options;
    this.#tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.onListenerError = (err, event) => options.logger.error({ err, event }, 'voice event listener threw');
  }

  get(guildId: string): VoiceChannelSession | undefined {
    return this.#sessions.get(guildId);
  }

  async join(channel: VoiceBasedChannel, persona: Persona): Promise<VoiceChannelSession> {
    const existing = this.#sessions.get(channel.guild.id);
    if (existing?.channelId === channel.id) {
      if (existing.persona.id !== persona.id) await existing.setPersona(persona);
      return existing;
    }
    if (existing) existing.end('left');
    refuseStage(channel);
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
      await entersState(connection, VoiceConnectionStatus.Ready, READY_TIMEOUT_MS);
    } catch {
      connection.destroy();
      throw new VoiceJoinError(
        `I could not connect to ${channel.name} within ${READY_TIMEOUT_MS / 1000} s. Discord voice may be having trouble; try /join again.`,
      );
    }
    // Nothing may be sent before the call's E2EE group exists: it would go out in the clear.
    if (!(await waitForE2ee(connection, E2EE_TIMEOUT_MS))) {
      connection.destroy();
      throw new VoiceJoinError(
        `I connected to ${channel.name}, but its end-to-end encryption could not be set up within ${E2EE_TIMEOUT_MS / 1000} s, so I left rather than talk unencrypted. Try /join again.`,
      );
    }
    const session = new VoiceChannelSession({
      channel,
      connection,
      persona,
      options: this.#options,
      tuning: this.#tuning,
      logger,
      emit: (event, ...args) => this.emit(event, ...args),
      onEnded: (s) => {
        if (this.#sessions.get(s.guildId) === s) this.#sessions.delete(s.guildId);
      },
    });
    this.#sessions.set(channel.guild.id, session);
    try {
      await session.start();
    } catch (err) {
      session.end('error', (err as Error).message);
      throw new VoiceJoinError(`I joined, but the voice model is unavailable: ${(err as Error).message}`);
    }
    logger.info({ persona: persona.id }, 'voice session started');
    this.emit('sessionStarted', { guildId: channel.guild.id, channelId: channel.id });
    return session;
  }

  async leave(guildId: string, reason: 'left' | 'cap' = 'left'): Promise<boolean> {
    const session = this.#sessions.get(guildId);
    if (!session) return false;
    session.end(reason);
    return true;
  }

  async destroyAll(): Promise<void> {
    for (const session of [...this.#sessions.values()]) session.end('left');
    // Let the deferred connection destroys run before the process exits.
    await new Promise((resolve) => setImmediate(resolve));
  }

  #watch(client: Client): void {
    if (this.#watched.has(client)) return;
    this.#watched.add(client);
    client.on('voiceStateUpdate', (oldState: VoiceState, newState: VoiceState) => {
      const session = this.#sessions.get(newState.guild.id);
      if (session && (oldState.channelId === session.channelId || newState.channelId === session.channelId)) {
        session.checkOccupancy();
      }
    });
  }
}

/**
 * Stage channels are refused: Discord does not end-to-end encrypt them, and a bot joins one as a
 * muted audience member until a moderator invites it to speak.
 */
function refuseStage(channel: VoiceBasedChannel): void {
  if (channel.type === ChannelType.GuildStageVoice)
    throw new VoiceJoinError(
      `${channel.name} is a stage channel: I would join it muted as audience (a moderator has to invite me to speak) and stage audio is not end-to-end encrypted. Use /join in a regular voice channel instead.`,
    );
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
}
