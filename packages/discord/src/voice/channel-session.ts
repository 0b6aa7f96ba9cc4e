// One persona in one voice channel: Discord receive → the room (realtime-core) → Discord send.
// The conversation itself (floor, labels, barge-in, pacing, usage) is the room's; this file owns
// the Discord side's lifecycle: the model session, the connection guard, occupancy and the end,
// and gates both ways on end-to-end encryption (DAVE, e2ee.ts).
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import {
  type Clock,
  monotonicClock,
  type Persona,
  personaToSessionConfig,
  type RealtimeSession,
  type Room,
} from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import type { Logger } from 'pino';
import type { GuildVad, SessionEndReason, VoiceSessionPort, VoiceStatus } from '../voice-port.ts';
import { createChannelRoom, createModelSession } from './channel-room.ts';
import { type ConnectionWatch, guardConnection } from './connection-guard.ts';
import { e2eeSink, e2eeStatus, onceE2eeSafe } from './e2ee.ts';
import { type Emit, forwardVoiceEvents } from './room-events.ts';
import { keepTransportKeyPrepared } from './transport-key.ts';
import type { ChannelManagerOptions, VoiceTuning } from './types.ts';
import { VoiceReceiver } from './voice-receiver.ts';

export interface ChannelSessionDeps {
  channel: VoiceBasedChannel;
  connection: VoiceConnection;
  persona: Persona;
  options: ChannelManagerOptions;
  tuning: VoiceTuning;
  logger: Logger;
  emit: Emit;
  /** The guild's VAD settings, applied when the session starts. */
  vad?: GuildVad | undefined;
  onEnded(session: VoiceChannelSession): void;
  clock?: Clock;
}

export class VoiceChannelSession implements VoiceSessionPort {
  readonly guildId: string;
  #persona: Persona;
  readonly #d: ChannelSessionDeps;
  readonly #clock: Clock;
  readonly #model: RealtimeSession;
  readonly #room: Room;
  readonly #receiver: VoiceReceiver;
  readonly #startedAt: number;
  #guard: ConnectionWatch | undefined;
  /** To Discord: only audio that would be end-to-end encrypted (or a call without E2EE). */
  readonly #out: ReturnType<typeof e2eeSink>;
  #idleTimer: unknown;
  #cancelGreeting: () => void = () => {};
  #ended = false;

  constructor(deps: ChannelSessionDeps) {
    this.#d = deps;
    this.guildId = deps.channel.guild.id;
    this.#persona = deps.persona;
    this.#clock = deps.clock ?? monotonicClock;
    this.#startedAt = this.#clock.now();
    const { options, tuning } = deps;
    this.#model = createModelSession(deps.persona, options, tuning, deps.logger, deps.vad);
    this.#out = e2eeSink(deps.connection);
    this.#room = createChannelRoom({
      personaName: () => this.#persona.name,
      model: this.#model,
      target: this.#out,
      tuning,
      clock: this.#clock,
      logger: deps.logger,
      isOptedOut: (userId) => options.isOptedOut(this.guildId, userId),
    });
    this.#room.on('ended', (e) => this.end(e.reason, e.message, e.modelError));
    this.#receiver = new VoiceReceiver({
      connection: deps.connection,
      channel: deps.channel,
      room: this.#room,
      clock: this.#clock,
      logger: deps.logger,
      guard: () => this.#guard,
    });
  }

  get persona(): Persona {
    return this.#persona;
  }

  /** The channel the bot is in now (a moderator may have moved it: see {@link moveTo}). */
  get channelId(): string {
    return this.#d.channel.id;
  }

  /** A moderator moved the bot to `channel` (same guild): the conversation carries on there. */
  moveTo(channel: VoiceBasedChannel): void {
    this.#d.channel = channel;
    this.#guard?.moved(channel.id);
    this.checkOccupancy();
  }

  /** Leaving and joining again on purpose (new keys, or a move): the bot's voice state blinks. */
  get rejoining(): boolean {
    return this.#guard?.rejoining ?? false;
  }

  /** Barge-ins so far (e2e tests and metrics). */
  get bargeIns(): number {
    return this.#room.bargeIns;
  }

  /** Silence frames sent mid-reply because the model's audio had not arrived (polled by metrics). */
  get underruns(): number {
    return this.#room.underruns;
  }

  /** Connects the model, wires audio both ways, and greets the channel in character. */
  async start(): Promise<void> {
    await this.#model.connect();
    keepTransportKeyPrepared(this.#d.connection);
    forwardVoiceEvents({
      room: this.#room,
      model: this.#model,
      guildId: this.guildId,
      channelId: () => this.channelId,
      persona: () => this.#persona,
      emit: this.#d.emit,
      logger: this.#d.logger,
    });
    this.#guard = guardConnection(
      this.#d.connection,
      { maxRejoinAttempts: this.#d.tuning.maxRejoinAttempts, logger: this.#d.logger, clock: this.#clock },
      (reason, message) => this.end(reason, message),
    );
    this.#receiver.start();
    // Greets once it can be heard end to end (at once, unless the bot joined an empty channel).
    this.#cancelGreeting = onceE2eeSafe(this.#d.connection, () => {
      if (this.#persona.greeting && !this.#ended)
        this.announce(`Greet the people here in character, e.g.: "${this.#persona.greeting}"`);
    });
    this.checkOccupancy();
  }

  async setPersona(persona: Persona): Promise<{ newConnection: boolean }> {
    this.#persona = persona;
    const { instructions, voice } = personaToSessionConfig(persona);
    return this.#model.update({ instructions, voice });
  }

  async reset(): Promise<void> {
    this.#room.interrupt();
    await this.#model.reset();
  }

  announce(instruction: string): void {
    this.#room.prompt(instruction);
  }

  status(): VoiceStatus {
    const room = this.#room.status();
    return {
      persona: { id: this.#persona.id, name: this.#persona.name },
      channelId: this.channelId,
      sessionAgeMs: Math.round(this.#clock.now() - this.#startedAt),
      realtimeState: this.#model.state.status,
      heard: this.#receiver
        .heard()
        .map((h) => ({ ...h, optedOut: this.#d.options.isOptedOut(this.guildId, h.userId) })),
      usage: room.usage,
      turns: room.turns,
      e2ee: { ...e2eeStatus(this.#d.connection), withheldFrames: this.#out.withheld },
    };
  }

  /** Starts or stops the empty-channel timer from the channel's current members. */
  checkOccupancy(): void {
    const humans = this.#d.channel.members.filter((m) => !m.user.bot).size;
    if (humans > 0) {
      this.#clock.clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    } else if (this.#idleTimer === undefined) {
      this.#idleTimer = this.#clock.setTimeout(() => this.end('empty'), this.#d.tuning.idleLeaveMs);
    }
  }

  /** Ends the session once: room flushed, model closed, voice connection destroyed. */
  end(reason: SessionEndReason, message?: string, modelError?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#cancelGreeting();
    this.#clock.clearTimeout(this.#idleTimer);
    // Unregistered first: the room's last usage report may trigger the cap, which must find no session to leave.
    this.#d.onEnded(this);
    this.#receiver.close();
    this.#room.end(reason, message, modelError);
    this.#model.close();
    // Destroying inside the connection's own state handler throws in @discordjs/voice 0.19.
    setImmediate(() => {
      if (this.#d.connection.state.status !== VoiceConnectionStatus.Destroyed) this.#d.connection.destroy();
    });
    this.#d.emit('sessionEnded', {
      guildId: this.guildId,
      channelId: this.channelId,
      reason,
      ...(message ? { message } : {}),
      ...(modelError ? { modelError } : {}),
    });
  }
}
