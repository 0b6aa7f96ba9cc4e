// One persona in one voice channel: Discord receive → floor policy → model session → playback.
import { EndBehaviorType, type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import { createOpusDecoder, type OpusDecoder, type OpusEncoder } from '@troupe/opus';
import {
  FloorPolicy,
  type Persona,
  personaToSessionConfig,
  RealtimeSession,
  speakerLabel,
} from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import type { Logger } from 'pino';
import type { SessionEndReason, VoiceEvents, VoiceSessionPort, VoiceStatus } from '../voice-port.ts';
import { guardConnection, type ReceiveReporter } from './connection-guard.ts';
import { admitReceivedFrame, e2eeSink, e2eeStatus } from './e2ee.ts';
import { PacedPlayback, type PlaybackReport } from './paced-playback.ts';
import { createPlaybackEncoder, ReplyAudio } from './reply-audio.ts';
import { keepTransportKeyPrepared } from './transport-key.ts';
import { TurnClock } from './turn-clock.ts';
import type { ChannelManagerOptions, VoiceTuning } from './types.ts';

const MODEL_RATE = 24_000;
const FRAME_SAMPLES = 480; // 20 ms at 24 kHz

interface Speaker {
  userId: string;
  displayName: string;
  decoder: OpusDecoder;
  packets: number;
  /** Receive → handed-to-the-model time of the speaker's latest packet (ms). */
  lastInboundMs: number;
  speaking: boolean;
  held: Int16Array[];
}

type Emit = <K extends keyof VoiceEvents>(event: K, ...args: VoiceEvents[K]) => void;

export interface ChannelSessionDeps {
  channel: VoiceBasedChannel;
  connection: VoiceConnection;
  persona: Persona;
  options: ChannelManagerOptions;
  tuning: VoiceTuning;
  logger: Logger;
  emit: Emit;
  onEnded(session: VoiceChannelSession): void;
}

export class VoiceChannelSession implements VoiceSessionPort {
  readonly guildId: string;
  readonly channelId: string;
  #persona: Persona;
  readonly #d: ChannelSessionDeps;
  readonly #model: RealtimeSession;
  readonly #playback: PacedPlayback;
  /** One encoder per channel, reset for each reply. */
  readonly #encoder: OpusEncoder;
  readonly #floor: FloorPolicy;
  readonly #speakers = new Map<string, Speaker>();
  readonly #startedAt = performance.now();
  /** The reply the model is streaming now (it may still be pre-rolling, or queued behind another). */
  #current: ReplyAudio | undefined;
  readonly #clock = new TurnClock();
  #guard: ReceiveReporter | undefined;
  /** Sends only what would be end-to-end encrypted (e2ee.ts). */
  readonly #sink: ReturnType<typeof e2eeSink>;
  #lastSpeaker = 'someone';
  /** Whose labelled turn the model is hearing (not yet closed with trailing silence). */
  #openTurn: Speaker | undefined;
  /** Who spoke each committed user item, so transcripts are attributed even when turns overlap. */
  readonly #speakerByItem = new Map<string, string>();
  readonly #endedTurns: string[] = [];
  #usage = { inputAudioMs: 0, outputAudioMs: 0 };
  #pendingUsage = { inputAudioMs: 0, outputAudioMs: 0 };
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #ended = false;
  bargeIns = 0;
  underruns = 0;

  constructor(deps: ChannelSessionDeps) {
    this.#d = deps;
    this.guildId = deps.channel.guild.id;
    this.channelId = deps.channel.id;
    this.#persona = deps.persona;
    this.#floor = new FloorPolicy({
      hangoverMs: deps.tuning.hangoverMs,
      bargeInMinSpeechMs: deps.tuning.bargeInMinSpeechMs,
    });
    const cfg = personaToSessionConfig(deps.persona);
    this.#model = new RealtimeSession({
      url: deps.options.realtime.url,
      model: deps.options.realtime.model,
      apiKey: deps.options.realtime.apiKey,
      config: {
        ...cfg,
        inputTranscription: true,
        turnDetection: { type: 'server_vad', silenceDurationMs: deps.tuning.vadSilenceMs },
      },
      logger: deps.logger,
      ...(deps.options.transportFactory ? { transportFactory: deps.options.transportFactory } : {}),
    });
    this.#encoder = createPlaybackEncoder(deps.tuning.playbackFormat, deps.tuning.opusComplexity);
    this.#sink = e2eeSink(deps.connection);
    this.#playback = new PacedPlayback(this.#sink, (r) => this.#onReplyPlayed(r), {
      onReplyStarted: (r) => this.#onFirstPacket(r),
    });
  }

  get persona(): Persona {
    return this.#persona;
  }

  /** Connects the model, wires audio both ways, and greets the channel in character. */
  async start(): Promise<void> {
    await this.#model.connect();
    keepTransportKeyPrepared(this.#d.connection);
    this.#wireModel();
    this.#wireConnection();
    const receiver = this.#d.connection.receiver;
    receiver.speaking.on('start', (userId) => this.#subscribe(userId));
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
    this.#interrupt();
    await this.#model.reset();
  }

  announce(instruction: string): void {
    this.#model.createResponse({ instructions: instruction });
  }

  status(): VoiceStatus {
    return {
      persona: { id: this.#persona.id, name: this.#persona.name },
      channelId: this.channelId,
      sessionAgeMs: Math.round(performance.now() - this.#startedAt),
      realtimeState: this.#model.state.status,
      heard: [...this.#speakers.values()].map((s) => ({
        userId: s.userId,
        displayName: s.displayName,
        speaking: s.speaking,
        optedOut: this.#d.options.isOptedOut(this.guildId, s.userId),
        packets: s.packets,
        corruptPackets: s.decoder.corruptPackets,
      })),
      usage: { ...this.#usage },
      turns: this.#clock.recent,
      e2ee: { ...e2eeStatus(this.#d.connection), withheldFrames: this.#sink.withheld },
    };
  }

  /** Starts or stops the empty-channel timer from the channel's current members. */
  checkOccupancy(): void {
    const humans = this.#d.channel.members.filter((m) => !m.user.bot).size;
    if (humans > 0) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    } else if (!this.#idleTimer) {
      this.#idleTimer = setTimeout(() => this.end('empty'), this.#d.tuning.idleLeaveMs);
    }
  }

  /** Ends the session once: model closed, player stopped, voice connection destroyed. */
  end(reason: SessionEndReason, message?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#idleTimer);
    this.#current?.abort();
    this.#playback.close();
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
    });
    this.#d.onEnded(this);
  }

  // ---- receive ---------------------------------------------------------------------------

  #subscribe(userId: string): void {
    const receiver = this.#d.connection.receiver;
    if (receiver.subscriptions.has(userId) || this.#ended) return;
    const member = this.#d.channel.guild.members.cache.get(userId);
    if (member?.user.bot) return;
    const speaker = this.#speaker(userId, member?.displayName ?? member?.user.username ?? 'someone');
    speaker.speaking = true;
    const stream = receiver.subscribe(userId, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: 100 },
    });
    stream.on('data', (packet: Buffer) => {
      // Still DAVE-encrypted (the bot has no group yet): not Opus, never for the decoder.
      if (!admitReceivedFrame(this.#d.connection, packet)) return this.#guard?.undecryptable();
      this.#guard?.delivered(packet);
      const at = performance.now();
      if (this.#onPacket(speaker, packet)) speaker.lastInboundMs = performance.now() - at;
    });
    stream.on('end', () => this.#onSpeakerStopped(speaker));
    stream.on('error', (err) => {
      this.#d.logger.warn(
        { err: err.message, userId },
        'voice receive stream failed; waiting for the next speech',
      );
      this.#guard?.receiveError(err);
      // A broken stream never emits 'end': without this the speaker keeps the floor and the next
      // person's turn goes out unlabelled, clipped by the floor hangover.
      this.#onSpeakerStopped(speaker);
    });
  }

  #speaker(userId: string, displayName: string): Speaker {
    let s = this.#speakers.get(userId);
    if (!s) {
      s = {
        userId,
        displayName,
        decoder: createOpusDecoder({ sampleRate: MODEL_RATE, channels: 1 }),
        packets: 0,
        lastInboundMs: 0,
        speaking: false,
        held: [],
      };
      this.#speakers.set(userId, s);
    }
    s.displayName = displayName;
    return s;
  }

  /** Returns true when the packet's audio went to the model now (not dropped, not held). */
  #onPacket(s: Speaker, packet: Buffer): boolean {
    s.packets++;
    if (this.#d.options.isOptedOut(this.guildId, s.userId)) return false;
    const pcm = s.decoder.decode(packet);
    if (!pcm) return false; // corrupt: counted by the decoder, the stream lives on
    const decision = this.#floor.onSpeech(s.userId, performance.now(), (pcm.length / MODEL_RATE) * 1000);
    if (decision.action === 'hold') {
      s.held.push(pcm);
      while (s.held.length * 20 > this.#floor.settings.maxHeldMs) s.held.shift();
      return false;
    }
    // The floor also passes when the holder's packets stop decoding past the hangover: then their
    // turn is still open and the new holder was never labelled (their first audio still held).
    if (decision.newTurn || this.#openTurn !== s) this.#takeTurn(s);
    this.#sendAudio(pcm);
    if ((this.#current || this.#playback.status === 'playing') && this.#floor.isBargeIn(s.userId))
      this.#interrupt();
    return true;
  }

  /** Closes any turn still open, labels `s`'s, and sends what was held for them while they waited. */
  #takeTurn(s: Speaker): void {
    if (this.#openTurn) this.#closeTurn(this.#openTurn);
    this.#floor.takeHeld(s.userId);
    this.#beginTurn(s);
    for (const pcm of s.held.splice(0)) this.#sendAudio(pcm);
  }

  #beginTurn(s: Speaker): void {
    this.#openTurn = s;
    this.#model.addText('user', speakerLabel(s.displayName));
    this.#lastSpeaker = s.displayName;
    this.#clock.begin(s.displayName);
  }

  #sendAudio(pcm: Int16Array): void {
    this.#model.appendAudio(pcm);
    const ms = (pcm.length / MODEL_RATE) * 1000;
    this.#usage.inputAudioMs += ms;
    this.#pendingUsage.inputAudioMs += ms;
  }

  #onSpeakerStopped(s: Speaker): void {
    s.speaking = false;
    if (this.#floor.holder !== s.userId || this.#ended) return;
    this.#closeTurn(s);
    const next = this.#floor.release(s.userId, performance.now());
    const waiting = next ? this.#speakers.get(next) : undefined;
    if (waiting) {
      this.#takeTurn(waiting);
      if (!waiting.speaking) this.#onSpeakerStopped(waiting);
    }
  }

  #closeTurn(s: Speaker): void {
    this.#openTurn = undefined;
    this.#d.emit('inboundLatency', { guildId: this.guildId, ms: s.lastInboundMs });
    // Discord sends nothing during silence: one burst of silence lets server VAD end the turn.
    const silence = new Int16Array((MODEL_RATE * this.#d.tuning.trailingSilenceMs) / 1000);
    for (let at = 0; at < silence.length; at += FRAME_SAMPLES)
      this.#model.appendAudio(silence.subarray(at, at + FRAME_SAMPLES));
    this.#clock.speechEnded();
    this.#endedTurns.push(s.displayName);
    if (this.#endedTurns.length > 8) this.#endedTurns.shift();
  }

  // ---- model → playback --------------------------------------------------------------------

  #wireModel(): void {
    const m = this.#model;
    m.on('committed', (e) => {
      this.#clock.committed();
      // Server VAD commits turns in the order they ended; a new speaker may already hold the floor.
      this.#speakerByItem.set(e.itemId, this.#endedTurns.shift() ?? this.#lastSpeaker);
    });
    m.on('audio', (pcm, meta) => this.#onModelAudio(pcm, meta.responseId, meta.itemId));
    m.on('audioDone', (meta) => {
      if (this.#current?.responseId === meta.responseId) this.#finishCurrent();
    });
    m.on('responseDone', (e) => {
      if (this.#current?.responseId === e.responseId) this.#finishCurrent();
      this.#d.emit('usage', { guildId: this.guildId, ...this.#pendingUsage });
      this.#pendingUsage = { inputAudioMs: 0, outputAudioMs: 0 };
    });
    m.on('transcript', (t) => {
      if (!t.final || !t.text.trim()) return;
      const speaker =
        t.role === 'user' ? (this.#speakerByItem.get(t.itemId) ?? this.#lastSpeaker) : this.#persona.name;
      if (t.role === 'user') this.#speakerByItem.delete(t.itemId);
      this.#d.emit('transcript', {
        guildId: this.guildId,
        channelId: this.channelId,
        role: t.role,
        speaker,
        text: t.text,
        persona: this.#persona,
      });
    });
    m.on('reconnected', (e) => this.#d.emit('reconnected', { guildId: this.guildId, reason: e.reason }));
    m.on('error', (e) => {
      this.#d.emit('modelError', { guildId: this.guildId, code: e.code });
      this.#d.logger.warn({ code: e.code, recoverable: e.recoverable }, e.message);
      if (!e.recoverable) this.end('error', e.message);
    });
  }

  #onModelAudio(pcm: Int16Array, responseId: string, itemId: string): void {
    if (this.#ended) return;
    let reply = this.#current;
    if (reply?.responseId !== responseId) {
      if (reply) this.#finishCurrent();
      reply = new ReplyAudio(responseId, this.#encoder, this.#d.tuning.playbackFormat);
      this.#current = reply;
      this.#clock.firstAudio();
    }
    reply.itemId = itemId;
    reply.pushAudio(pcm);
    const ms = (pcm.length / MODEL_RATE) * 1000;
    this.#usage.outputAudioMs += ms;
    this.#pendingUsage.outputAudioMs += ms;
    if (reply.queuedFrames >= this.#d.tuning.preRollPackets) this.#play(reply);
  }

  /** The model finished streaming the current reply: play whatever is left of it. */
  #finishCurrent(): void {
    const reply = this.#current;
    if (!reply) return;
    reply.finish();
    if (reply.queuedFrames > 0) this.#play(reply);
    this.#current = undefined;
  }

  /** Hands a reply to the pacer: its first packet goes out now, or right after the one playing. */
  #play(reply: ReplyAudio): void {
    this.#playback.play(reply);
  }

  #onFirstPacket(reply: ReplyAudio): void {
    this.#d.emit('playbackStart', { guildId: this.guildId, ms: performance.now() - reply.createdAt });
    const latency = this.#clock.firstPacket();
    if (latency) this.#d.emit('turn', { guildId: this.guildId, latency });
  }

  #onReplyPlayed(report: PlaybackReport): void {
    this.underruns += report.underruns;
    if (report.end === 'stopped')
      this.#d.emit('bargeIn', { guildId: this.guildId, framesAfterDecision: report.reply.packetsAfterAbort });
  }

  /**
   * Barge-in: the next packet is not sent, queued audio is dropped, the reply is cancelled, and
   * each reply is truncated at what listeners heard of it.
   */
  #interrupt(): void {
    const receiving = this.#current;
    const reports = this.#playback.stop();
    if (!receiving && reports.length === 0) return;
    this.#current = undefined;
    receiving?.abort();
    this.#model.cancelResponse();
    const truncated = new Set<ReplyAudio>();
    for (const { reply, packets } of reports) {
      truncated.add(reply);
      if (reply.itemId) this.#model.truncate(reply.itemId, packets * 20);
    }
    if (receiving && !truncated.has(receiving) && receiving.itemId) this.#model.truncate(receiving.itemId, 0);
    this.bargeIns++;
  }

  #wireConnection(): void {
    this.#guard = guardConnection(
      this.#d.connection,
      { maxRejoinAttempts: this.#d.tuning.maxRejoinAttempts, logger: this.#d.logger },
      (reason, message) => this.end(reason, message),
    );
  }
}
