// One voice channel's session: Discord receive → the room (realtime-core) → Discord send. Who plays
// and the room they play in are the cast's (channel-cast.ts: one character, or a scene); this file
// owns the Discord side's lifecycle: the connection guard, occupancy and the end, and gates both
// ways on end-to-end encryption (DAVE, e2ee.ts).
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import { type Clock, monotonicClock, type Persona, type SceneMode } from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import type { Logger } from 'pino';
import type {
  AddOutcome,
  GuildVad,
  SceneView,
  SessionEndReason,
  VoiceSessionPort,
  VoiceStatus,
} from '../voice-port.ts';
import { ChannelCast } from './channel-cast.ts';
import { type ConnectionWatch, guardConnection } from './connection-guard.ts';
import { e2eeSink, e2eeStatus, onceE2eeSafe } from './e2ee.ts';
import { type Emit, forwardRoomEvents, forwardSessionEvents } from './room-events.ts';
import { keepTransportKeyPrepared } from './transport-key.ts';
import type { ChannelManagerOptions, ChannelSceneSettings, VoiceTuning } from './types.ts';
import { VoiceReceiver } from './voice-receiver.ts';

export interface ChannelSessionDeps {
  channel: VoiceBasedChannel;
  connection: VoiceConnection;
  persona: Persona;
  options: ChannelManagerOptions;
  tuning: VoiceTuning;
  logger: Logger;
  emit: Emit;
  /** The channel's scene settings (the manager's object for this channel). */
  settings: ChannelSceneSettings;
  /** The guild's VAD settings, applied to the sessions the channel starts. */
  vad?: GuildVad | undefined;
  onEnded(session: VoiceChannelSession): void;
  clock?: Clock;
}

export class VoiceChannelSession implements VoiceSessionPort {
  readonly guildId: string;
  readonly #d: ChannelSessionDeps;
  readonly #clock: Clock;
  readonly #cast: ChannelCast;
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
    this.#clock = deps.clock ?? monotonicClock;
    this.#startedAt = this.#clock.now();
    this.#out = e2eeSink(deps.connection);
    this.#receiver = new VoiceReceiver({
      connection: deps.connection,
      channel: deps.channel,
      clock: this.#clock,
      logger: deps.logger,
      guard: () => this.#guard,
    });
    const events = { guildId: this.guildId, emit: deps.emit, logger: deps.logger };
    this.#cast = new ChannelCast({
      guildId: this.guildId,
      channelId: () => this.channelId,
      options: deps.options,
      tuning: deps.tuning,
      clock: this.#clock,
      logger: deps.logger,
      target: this.#out,
      settings: deps.settings,
      vad: deps.vad,
      // Greets once it can be heard end to end (at once, unless the bot joined an empty channel
      // whose MLS group forms only when someone arrives).
      whenAudible: (then) => {
        this.#cancelGreeting();
        this.#cancelGreeting = onceE2eeSafe(deps.connection, () => {
          if (!this.#ended) then();
        });
      },
      peoplePresent: () => this.#humans(),
      session: (s) => forwardSessionEvents(s, events),
      attach: (room) => {
        this.#receiver.playInto(room);
        return forwardRoomEvents(room, {
          ...events,
          channelId: () => this.channelId,
          persona: (characterId) => this.#cast.personaOf(characterId) ?? deps.persona,
        });
      },
      ended: (e) => this.end(e.reason, e.message, e.modelError),
    });
  }

  /** The lead character (the only one outside a scene). */
  get persona(): Persona {
    return this.#cast.characters[0] ?? this.#d.persona;
  }

  get characters(): readonly Persona[] {
    return this.#cast.characters;
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
    return this.#cast.room?.bargeIns ?? 0;
  }

  /** Silence frames sent mid-reply because the model's audio had not arrived (polled by metrics). */
  get underruns(): number {
    return this.#cast.room?.underruns ?? 0;
  }

  /** Connects the model(s), wires audio both ways, and greets the channel in character. */
  async start(): Promise<void> {
    await this.#cast.start(this.#d.persona);
    keepTransportKeyPrepared(this.#d.connection);
    this.#guard = guardConnection(
      this.#d.connection,
      { maxRejoinAttempts: this.#d.tuning.maxRejoinAttempts, logger: this.#d.logger, clock: this.#clock },
      (reason, message) => this.end(reason, message),
    );
    this.#receiver.start();
    this.checkOccupancy();
  }

  setPersona(persona: Persona): Promise<{ newConnection: boolean }> {
    return this.#cast.setPersona(persona);
  }

  reset(): Promise<void> {
    return this.#cast.reset();
  }

  announce(instruction: string): void {
    this.#cast.room?.prompt(instruction);
  }

  scene(): SceneView {
    return this.#cast.view() ?? this.#cast.emptyView();
  }

  addCharacter(persona: Persona): Promise<AddOutcome> {
    return this.#cast.add(persona);
  }

  removeCharacter(id: string): Promise<void> {
    return this.#cast.remove(id);
  }

  nextSpeaker(id?: string): boolean {
    return this.#cast.next(id);
  }

  /** The channel's settings changed (the manager already holds the new values). */
  async sceneSettingsChanged(change: { mode?: SceneMode; addressedOnly?: boolean }): Promise<void> {
    if (change.mode !== undefined) this.#cast.setMode(change.mode);
    if (change.addressedOnly !== undefined) await this.#cast.setAddressedOnly(change.addressedOnly);
  }

  optOut(userId: string): void {
    this.#cast.optOut(userId);
  }

  status(): VoiceStatus {
    const { usage, turns } = this.#cast.status();
    return {
      persona: { id: this.persona.id, name: this.persona.name },
      channelId: this.channelId,
      sessionAgeMs: Math.round(this.#clock.now() - this.#startedAt),
      realtimeState: this.#cast.realtimeState,
      heard: this.#receiver
        .heard()
        .map((h) => ({ ...h, optedOut: this.#d.options.isOptedOut(this.guildId, h.userId) })),
      usage,
      turns,
      e2ee: { ...e2eeStatus(this.#d.connection), withheldFrames: this.#out.withheld },
    };
  }

  /** Starts or stops the empty-channel timer from the channel's current members. */
  checkOccupancy(): void {
    // Whoever left the channel stops being heard now (their stream never ends on silence).
    const present = this.#d.channel.members;
    for (const userId of this.#receiver.receiving)
      if (!present.has(userId)) this.#receiver.memberLeft(userId);
    if (this.#humans() > 0) {
      this.#clock.clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    } else if (this.#idleTimer === undefined) {
      this.#idleTimer = this.#clock.setTimeout(() => this.end('empty'), this.#d.tuning.idleLeaveMs);
    }
  }

  /** Ends the session once: room flushed, models closed, voice connection destroyed. */
  end(reason: SessionEndReason, message?: string, modelError?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#cancelGreeting();
    this.#clock.clearTimeout(this.#idleTimer);
    // Unregistered first: the room's last usage report may trigger the cap, which must find no session to leave.
    this.#d.onEnded(this);
    this.#receiver.close();
    this.#cast.end(reason, message, modelError);
    // Destroying inside the connection's own state handler throws in @discordjs/voice 0.19.
    setImmediate(() => {
      if (this.#d.connection.state.status !== VoiceConnectionStatus.Destroyed) this.#d.connection.destroy();
    });
    const event = { guildId: this.guildId, channelId: this.channelId, reason };
    this.#d.emit('sessionEnded', {
      ...event,
      ...(message ? { message } : {}),
      ...(modelError ? { modelError } : {}),
    });
  }

  #humans(): number {
    return this.#d.channel.members.filter((m) => !m.user.bot).size;
  }
}
