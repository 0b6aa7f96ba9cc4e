// One persona in one voice channel: Discord receive → the room (realtime-core) → Discord send.
// The conversation itself (floor, labels, barge-in, pacing, usage) is the room's; this file owns
// the Discord side's lifecycle: the model session, the connection guard, occupancy and the end.
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import {
  type Clock,
  monotonicClock,
  type Persona,
  personaToSessionConfig,
  profileForModel,
  RealtimeSession,
  Room,
} from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import type { Logger } from 'pino';
import type { GuildVad, SessionEndReason, VoiceSessionPort, VoiceStatus } from '../voice-port.ts';
import { guardConnection } from './connection-guard.ts';
import { createOpusFrameSink, playbackOutput } from './opus-frame-sink.ts';
import { type Emit, forwardVoiceEvents } from './room-events.ts';
import { keepTransportKeyPrepared } from './transport-key.ts';
import { guildTurnDetection } from './turn-detection.ts';
import { type ChannelManagerOptions, roomTuning, type VoiceTuning } from './types.ts';
import { VoiceReceiver } from './voice-receiver.ts';

export interface ChannelSessionDeps {
  channel: VoiceBasedChannel;
  connection: VoiceConnection;
  persona: Persona;
  options: ChannelManagerOptions;
  tuning: VoiceTuning;
  logger: Logger;
  emit: Emit;
  onEnded(session: VoiceChannelSession): void;
  /** The guild's VAD settings, applied when the session starts. */
  vad?: GuildVad | undefined;
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
  #guard: { receiveError(err: Error): void } | undefined;
  #idleTimer: unknown;
  #ended = false;

  constructor(deps: ChannelSessionDeps) {
    this.#d = deps;
    this.guildId = deps.channel.guild.id;
    this.#persona = deps.persona;
    this.#clock = deps.clock ?? monotonicClock;
    this.#startedAt = this.#clock.now();
    const { options, tuning } = deps;
    this.#model = new RealtimeSession({
      url: options.realtime.url,
      model: options.realtime.model,
      apiKey: options.realtime.apiKey,
      config: {
        ...personaToSessionConfig(deps.persona),
        inputTranscription: true,
        turnDetection: guildTurnDetection(
          deps.vad,
          { silenceMs: tuning.vadSilenceMs },
          profileForModel(options.realtime.model).vad,
        ),
      },
      logger: deps.logger,
      ...(options.transportFactory ? { transportFactory: options.transportFactory } : {}),
    });
    const session = this;
    this.#room = new Room({
      // A getter: transcripts and labels follow a persona switch.
      cast: [
        {
          get name() {
            return session.#persona.name;
          },
          model: this.#model,
        },
      ],
      sink: createOpusFrameSink(deps.connection, tuning.playbackFormat, tuning.opusComplexity),
      output: playbackOutput(tuning.playbackFormat),
      clock: this.#clock,
      logger: deps.logger,
      isOptedOut: (userId) => options.isOptedOut(this.guildId, userId),
      tuning: roomTuning(tuning),
    });
    this.#room.on('ended', (e) => this.end(e.reason, e.message, e.modelError));
    this.#receiver = new VoiceReceiver({
      connection: deps.connection,
      channel: deps.channel,
      room: this.#room,
      clock: this.#clock,
      logger: deps.logger,
      onStreamError: (err) => this.#guard?.receiveError(err),
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
    this.checkOccupancy();
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
    if (this.#persona.greeting)
      this.announce(`Greet the people here in character, e.g.: "${this.#persona.greeting}"`);
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
