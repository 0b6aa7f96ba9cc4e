// One simulated model session on one WebSocket: the protocol semantics a real client meets.
import type { ConnectionIo, DropMode } from './connection-io.ts';
import { newSessionLog, ServerConversation } from './conversation.ts';
import { THINKING_MODELS } from './models.ts';
import { replyTiming, responseLog } from './reply.ts';
import { RATE, ReplyStream } from './reply-stream.ts';
import { HeldInput, placeholderTranscript } from './script.ts';
import type { SimLog, SimOptions, SimSessionLog } from './types.ts';
import { EnergyVad, initialTurnDetection, invalidTurnDetection, vadFor } from './vad.ts';
import { synthesizeSpeech } from './voice-synth.ts';
import {
  type ClientEvent,
  type ClientEventOf,
  parseClientEvent,
  type SessionFields,
} from './wire/client-events.ts';
import { type ErrorShape, errorEvent, type SimError } from './wire/errors.ts';
import { base64ToPcm16, invalidAudioReason } from './wire/pcm16.ts';
import type { ServerEvents, SessionView, WireEvent } from './wire/server-events.ts';

export type { DropMode } from './connection-io.ts';

let counter = 0;
const id = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}`;

export interface ConnectionContext {
  model: string;
  events: ServerEvents;
  /** The provider's request budget, reported in rate_limits.updated after each reply. */
  rateLimits(): { limit: number; remaining: number; resetSeconds: number };
}

export class SimConnection {
  readonly log: SimSessionLog;
  readonly #io: ConnectionIo;
  readonly #opts: SimOptions;
  readonly #simLog: SimLog;
  readonly #ctx: ConnectionContext;
  readonly #events: ServerEvents;
  readonly #vad: EnergyVad;
  /** Only the buffered length matters: replies depend on how long the user spoke, not on what was said. */
  #inputSamples = 0;
  /** The turn's audio, kept only when a script transcribes it. */
  readonly #held = new HeldInput(RATE * 60);
  #speechItemId: string | undefined;
  #lastHeardMs = 0;
  #active: ReplyStream | undefined;
  #voiceLocked = false;
  readonly #conversation: ServerConversation;
  #stalled: string[] | undefined;
  #dropNext: DropMode | undefined;

  constructor(io: ConnectionIo, opts: SimOptions, simLog: SimLog, ctx: ConnectionContext) {
    this.#io = io;
    this.#opts = opts;
    this.#simLog = simLog;
    this.#ctx = ctx;
    this.#events = ctx.events;
    const dialect = this.#events.dialect;
    const td = initialTurnDetection(dialect, opts.vadOnByDefault);
    this.#vad = new EnergyVad(RATE, vadFor(dialect, td ?? {}));
    const voice = opts.defaultVoice ?? (dialect === 'openai' ? 'alloy' : 'jingdiannvsheng');
    this.log = newSessionLog(id('sess'), ctx.model, voice, td);
    this.#conversation = new ServerConversation(this.log);
  }

  get #errorShape(): ErrorShape {
    return this.#opts.errorShape ?? 'wrapped';
  }

  #view(): SessionView {
    const c = this.log.config;
    return {
      id: this.log.sessionId,
      model: this.log.model,
      voice: c.voice,
      instructions: c.instructions,
      turnDetection: c.turn_detection,
      transcription: c.input_audio_transcription,
    };
  }

  start(): void {
    this.#emit(this.#events.sessionCreated(this.#view()));
  }

  /** Holds outgoing events until `resume()` (fault: the server stalls). */
  stall(): void {
    this.#stalled ??= [];
  }

  resume(): void {
    const queued = this.#stalled ?? [];
    this.#stalled = undefined;
    for (const text of queued) this.#io.send(text);
  }

  sendRaw(data: string | Uint8Array): void {
    this.#io.send(data);
  }

  sendError(e: SimError, shape: ErrorShape = this.#errorShape): void {
    this.#simLog.errors.push({ sessionId: this.log.sessionId, code: e.code, message: e.message });
    this.log.counters.errors++;
    this.#emit(errorEvent(e, shape));
  }

  dropNextResponse(mode: DropMode = 'terminate'): void {
    this.#dropNext = mode;
  }

  onClose(): void {
    this.log.closed = true;
    this.#active?.abandon();
    this.#active = undefined;
  }

  onMessage(data: string | Buffer): void {
    this.log.counters.received++;
    const parsed = parseClientEvent(data, this.#opts.maxMessageBytes ?? 15 * 1024 * 1024);
    if (parsed.kind === 'event') {
      this.#handle(parsed.event);
      return;
    }
    const eventId = parsed.eventId;
    if (parsed.kind === 'unknown') {
      // The developer guide's own example: an unsupported type gets invalid_value, param "type".
      const message = `Invalid value: '${parsed.eventType}'. This event type is not supported.`;
      this.#error('invalid_value', message, eventId, 'type');
      return;
    }
    const code =
      parsed.problem === 'too_large'
        ? 'message_too_large'
        : parsed.problem === 'json'
          ? 'invalid_json'
          : 'invalid_param';
    this.#error(code, parsed.reason, eventId, parsed.param);
  }

  #handle(e: ClientEvent): void {
    switch (e.type) {
      case 'session.update':
        this.#update(e.session, e.event_id);
        break;
      case 'input_audio_buffer.append':
        this.#append(e);
        break;
      case 'input_audio_buffer.commit':
        this.#commit(e.event_id);
        break;
      case 'input_audio_buffer.clear':
        this.#inputSamples = 0;
        this.#held.clear();
        this.#emit(this.#events.cleared());
        break;
      case 'conversation.item.create':
        this.#createItem(e);
        break;
      case 'conversation.item.truncate':
        this.#truncate(e);
        break;
      case 'conversation.item.delete':
        this.#deleteItem(e);
        break;
      case 'response.create':
        this.#startResponse(
          e.response?.instructions ?? e.session?.instructions,
          e.event_id,
          e.response?.modalities,
        );
        break;
      case 'response.cancel':
        this.#cancel(e.event_id);
        break;
    }
  }

  #update(session: SessionFields, eventId: string | undefined): void {
    let patch: SessionFields = session;
    if (patch.voice !== undefined && patch.voice !== this.log.config.voice && this.#voiceLocked) {
      // The reference: any field may change at any time "除了 voice 之外" once audio was produced.
      this.#error(
        'cannot_update_voice',
        "Cannot update a conversation's voice if assistant audio is present.",
        eventId,
        'session.voice',
      );
      const { voice: _ignored, ...rest } = patch;
      patch = rest;
    }
    if (patch.turn_detection) {
      const bad = invalidTurnDetection(patch.turn_detection);
      if (bad) {
        this.#error('invalid_param', bad[1], eventId, bad[0]);
        const { turn_detection: _ignored, ...rest } = patch;
        patch = rest;
      }
    }
    this.log.config = { ...this.log.config, ...patch } as SimSessionLog['config'];
    const td = this.log.config.turn_detection;
    if (td) this.#vad.settings = vadFor(this.#events.dialect, td);
    this.#emit(this.#events.sessionUpdated(this.#view()));
  }

  #append(e: ClientEventOf<'input_audio_buffer.append'>): void {
    if (this.#active && this.#opts.quirks?.appendRejectedWhileResponding) {
      this.#error('invalid_state', 'audio already committed; wait for the response to finish', e.event_id);
      return;
    }
    const bad = invalidAudioReason(e.audio);
    if (bad) {
      this.#error('invalid_value', bad, e.event_id, 'audio');
      return;
    }
    const pcm = base64ToPcm16(e.audio);
    this.log.appendedSamples += pcm.length;
    this.#simLog.onAppend?.(this.log, pcm.length, pcm);
    this.#inputSamples += pcm.length;
    if (!this.log.config.turn_detection) {
      if (this.#opts.script?.transcribe) this.#held.push(pcm);
      return;
    }
    for (const ev of this.#vad.push(pcm)) {
      if (ev.type === 'speech_started') {
        // speech_started already names the user item the turn will become (both samples use one id).
        this.#speechItemId = id('item');
        this.#emit(this.#events.speechStarted(ev.audioStartMs, this.#speechItemId));
      } else {
        const itemId = this.#speechItemId ?? id('item');
        this.#speechItemId = undefined;
        this.#emit(this.#events.speechStopped(ev.audioEndMs, itemId));
        this.#commitSpan(itemId, (ev.endSample - ev.startSample) / RATE);
        this.#startResponse(undefined, undefined);
      }
    }
    // Server VAD keeps only the prefix padding while nobody speaks.
    if (!this.#vad.speaking && this.#inputSamples > RATE) this.#inputSamples = RATE / 2;
  }

  #commit(eventId: string | undefined): void {
    if (this.#inputSamples < RATE / 10) {
      this.#error(
        'input_audio_buffer_commit_empty',
        'buffer too small: expected at least 100ms of audio',
        eventId,
      );
      return;
    }
    this.#commitSpan(id('item'), this.#inputSamples / RATE, this.#held.take());
  }

  #commitSpan(itemId: string, seconds: number, pcm?: Int16Array): void {
    this.#lastHeardMs = Math.round(seconds * 1000);
    this.#inputSamples = 0;
    const heard = {
      sessionId: this.log.sessionId,
      itemId,
      audioMs: this.#lastHeardMs,
      labels: this.#conversation.labels,
      ...(pcm ? { pcm } : {}),
    };
    const text = this.#opts.script?.transcribe?.(heard) ?? placeholderTranscript(this.#lastHeardMs);
    const previous = this.#conversation.add({ id: itemId, role: 'user', text, audioMs: this.#lastHeardMs });
    const item = {
      id: itemId,
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    this.#emit(this.#events.committed(itemId, previous));
    this.#emit(this.#events.itemCreated(item, previous));
    // StepFun documents the user-audio ASR without any session setting; OpenAI only when configured.
    if (this.#events.dialect === 'stepfun' || this.log.config.input_audio_transcription)
      this.#emit(this.#events.transcriptionCompleted(itemId, text));
  }

  /** A text item, or a whole recorded message (the guide's "发送完整音频消息"): then it is the turn heard. */
  #createItem(e: ClientEventOf<'conversation.item.create'>): void {
    const itemId = e.item.id ?? id('item');
    const text = (e.item.content ?? []).map((c) => c.text ?? c.transcript ?? '').join(' ');
    const audio = e.item.content?.find((c) => c.type === 'input_audio' && c.audio)?.audio;
    const samples = audio && !invalidAudioReason(audio) ? base64ToPcm16(audio).length : 0;
    if (samples > 0) this.#lastHeardMs = Math.round((samples / RATE) * 1000);
    const item = {
      id: itemId,
      role: e.item.role ?? e.item.type,
      text,
      ...(samples ? { audioMs: this.#lastHeardMs } : {}),
    };
    const previous = samples
      ? this.#conversation.add(item, e.previous_item_id)
      : this.#conversation.addFromClient(item, e.previous_item_id);
    this.#emit(this.#events.itemCreated({ ...e.item, id: itemId, status: 'completed' }, previous));
  }

  #startResponse(instructions: string | undefined, eventId: string | undefined, modalities?: string[]): void {
    if (this.#active) {
      this.#error(
        'conversation_already_has_active_response',
        'Conversation already has an active response',
        eventId,
      );
      return;
    }
    const voice = this.log.config.voice;
    const labels = this.#conversation.takeLabels();
    const heardMs = this.#lastHeardMs;
    this.#lastHeardMs = 0;
    const instructionsUsed = instructions ?? this.log.config.instructions ?? '';
    const log = responseLog(id('resp'), this.log, { voice, instructionsUsed, labels, heardMs }, this.#opts);
    const ms = log.audioMs;
    this.#simLog.responses.push(log);
    const itemId = id('item');
    // The guide: response.create with `modalities: ["text"]` asks for a text-only reply.
    const textOnly = modalities !== undefined && !modalities.includes('audio');
    const audio = textOnly ? new Int16Array(0) : synthesizeSpeech(voice, ms, RATE);
    const previousItemId = this.#conversation.addAssistant(itemId, audio.length, log);
    const plan = {
      log,
      itemId,
      previousItemId,
      audio,
      thinking: this.#events.dialect === 'stepfun' && THINKING_MODELS.includes(this.log.model),
      textOnly,
      ...replyTiming(this.#opts),
      dropAfterFirstDelta: this.#dropNext,
    };
    this.#dropNext = undefined;
    this.#active = new ReplyStream(
      plan,
      this.#io,
      this.#events,
      (ev) => this.#emitReply(ev),
      (s) => this.#ended(s),
    );
    this.#active.start();
  }

  #emitReply(ev: WireEvent): void {
    if (ev.type === 'response.audio.delta') this.#voiceLocked = true;
    this.#emit(ev);
  }

  #ended(stream: ReplyStream): void {
    if (this.#active === stream) this.#active = undefined;
    this.#simLog.onResponseDone?.(stream.plan.log);
    if (stream.plan.log.status !== 'in_progress') this.#emit(this.#events.rateLimits(this.#ctx.rateLimits()));
  }

  #cancel(eventId: string | undefined): void {
    const a = this.#active;
    if (!a) {
      // The wording StepFun's console treats as a harmless race (Step-Realtime-Console, +page.svelte).
      this.#error('response_cancel_not_active', 'no ongoing response to cancel', eventId);
      return;
    }
    a.plan.log.cancelled = true;
    if (this.#opts.quirks?.cancelIgnored) return;
    const answer =
      this.#opts.quirks?.cancelAnswer ?? (this.#events.dialect === 'stepfun' ? 'cancelled+done' : 'done');
    a.finish('cancelled', answer !== 'done', answer !== 'cancelled');
  }

  #truncate(e: ClientEventOf<'conversation.item.truncate'>): void {
    const problem = this.#conversation.truncate(e.item_id, e.audio_end_ms, RATE);
    if (problem === 'not_found') this.#notFound(e.item_id, e.event_id);
    else if (problem) this.#error('invalid_value', problem, e.event_id, 'audio_end_ms');
    else this.#emit(this.#events.itemTruncated(e.item_id, e.audio_end_ms));
  }

  #deleteItem(e: ClientEventOf<'conversation.item.delete'>): void {
    if (this.#conversation.delete(e.item_id)) this.#emit(this.#events.itemDeleted(e.item_id));
    else this.#notFound(e.item_id, e.event_id);
  }

  #notFound(itemId: string, eventId: string | undefined): void {
    this.#error('item_not_found', `Item with item_id '${itemId}' not found`, eventId, 'item_id');
  }

  #error(code: string, message: string, eventId?: string, param?: string): void {
    this.sendError({
      type: 'invalid_request_error',
      code,
      message,
      ...(eventId ? { eventId } : {}),
      ...(param ? { param } : {}),
    });
  }

  #emit(event: WireEvent): void {
    const text = JSON.stringify(event);
    this.log.counters.sent++;
    if (this.#stalled) this.#stalled.push(text);
    else this.#io.send(text);
  }
}
