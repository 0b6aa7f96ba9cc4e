// One simulated model session on one WebSocket: the protocol semantics a real client meets.
import {
  type ClientEvent,
  type ClientEventOf,
  decodeClientEvent,
  decodePcm16Base64,
  encodePcm16Base64,
  encodeServerEvent,
  type KnownServerEvent,
  type SessionConfigWire,
} from '@troupe/realtime-core';
import {
  type AssistantItem,
  invalidAudioReason,
  planReply,
  responseClosingEvents,
  responseOpeningEvents,
  truncateItem,
  userTurnEvents,
} from './reply.ts';
import type { SimLog, SimOptions, SimResponseLog, SimSessionLog } from './types.ts';
import { DEFAULT_VAD, EnergyVad } from './vad.ts';
import { synthesizeSpeech } from './voice-synth.ts';

const RATE = 24_000;

/**
 * How a fault kills the socket: `terminate` drops TCP with no close frame, `close` sends close
 * 1011, `corrupt` sends a text frame of invalid UTF-8, which the client must fail the socket on.
 */
export type DropMode = 'terminate' | 'close' | 'corrupt';

export interface ConnectionIo {
  /** Text goes as a text frame, bytes as a binary frame. */
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  drop(mode: DropMode): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface ActiveResponse {
  log: SimResponseLog;
  itemId: string;
  audio: Int16Array;
  sentSamples: number;
  words: string[];
  timer: unknown;
  dropAfterFirstDelta: DropMode | undefined;
}

let counter = 0;
const id = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}`;

export class SimConnection {
  readonly log: SimSessionLog;
  readonly #io: ConnectionIo;
  readonly #opts: SimOptions;
  readonly #simLog: SimLog;
  readonly #vad = new EnergyVad(RATE, DEFAULT_VAD);
  /** Only the buffered length matters: replies depend on how long the user spoke, not on what was said. */
  #inputSamples = 0;
  #pendingLabels: string[] = [];
  #speechItemId: string | undefined;
  #lastHeardMs = 0;
  #active: ActiveResponse | undefined;
  #voiceLocked = false;
  readonly #assistant = new Map<string, AssistantItem>();
  #stalledUntilFlush: string[] | undefined;

  constructor(io: ConnectionIo, opts: SimOptions, simLog: SimLog, model: string) {
    this.#io = io;
    this.#opts = opts;
    this.#simLog = simLog;
    this.log = {
      sessionId: id('sess'),
      model,
      config: { voice: opts.defaultVoice ?? 'qingchunshaonv', instructions: '', turn_detection: null },
      items: [],
      appendedSamples: 0,
      counters: { received: 0, sent: 0, errors: 0 },
      closed: false,
    };
  }

  start(): void {
    this.#emit({ type: 'session.created', session: { id: this.log.sessionId, ...this.log.config } });
  }

  /** Holds outgoing events until `resume()` (fault: the server stalls). */
  stall(): void {
    this.#stalledUntilFlush ??= [];
  }

  resume(): void {
    const queued = this.#stalledUntilFlush ?? [];
    this.#stalledUntilFlush = undefined;
    for (const text of queued) this.#io.send(text);
  }

  sendRaw(data: string | Uint8Array): void {
    this.#io.send(data);
  }

  dropNextResponse(mode: DropMode = 'terminate'): void {
    this.#dropNext = mode;
  }
  #dropNext: DropMode | undefined;

  onClose(): void {
    this.log.closed = true;
    if (this.#active) this.#io.clearTimeout(this.#active.timer);
    this.#active = undefined;
  }

  onMessage(data: string | Buffer): void {
    this.log.counters.received++;
    const event = decodeClientEvent(data, this.#opts.maxMessageBytes);
    if (event.type === 'invalid') {
      this.#error(event.problem === 'too_large' ? 'message_too_large' : 'invalid_json', event.reason);
      return;
    }
    if (event.type === 'unknown') {
      this.#error('invalid_value', `Invalid value: '${event.eventType}'. This event type is not supported.`);
      return;
    }
    this.#handle(event);
  }

  #handle(e: ClientEvent): void {
    switch (e.type) {
      case 'session.update':
        this.#update(e.session, e.event_id);
        return;
      case 'input_audio_buffer.append':
        this.#append(e);
        return;
      case 'input_audio_buffer.commit':
        this.#commit(e.event_id);
        return;
      case 'input_audio_buffer.clear':
        this.#inputSamples = 0;
        this.#emit({ type: 'input_audio_buffer.cleared' });
        return;
      case 'conversation.item.create': {
        const itemId = e.item.id ?? id('item');
        const text = (e.item.content ?? []).map((c) => c.text ?? c.transcript ?? '').join(' ');
        this.log.items.push({ id: itemId, role: e.item.role ?? 'user', text });
        // Labels are the `[Name]` items directly before a turn's audio; any other item ends a run of them.
        if (e.item.role !== 'assistant' && /^\[[^\]]+\]$/.test(text.trim())) this.#pendingLabels.push(text);
        else this.#pendingLabels = [];
        this.#emit({
          type: 'conversation.item.created',
          previous_item_id: null,
          item: { ...e.item, id: itemId },
        });
        return;
      }
      case 'conversation.item.truncate':
        this.#truncate(e);
        return;
      case 'conversation.item.delete':
        if (!this.log.items.some((i) => i.id === e.item_id)) {
          this.#error('item_not_found', `Item with item_id '${e.item_id}' not found`, e.event_id);
          return;
        }
        this.log.items = this.log.items.filter((i) => i.id !== e.item_id);
        this.#emit({ type: 'conversation.item.deleted', item_id: e.item_id });
        return;
      case 'response.create':
        this.#startResponse(e.response?.instructions);
        return;
      case 'response.cancel':
        this.#cancel();
        return;
    }
  }

  #update(session: SessionConfigWire, eventId: string | undefined): void {
    if (session.voice !== undefined && session.voice !== this.log.config.voice && this.#voiceLocked) {
      this.#error(
        'cannot_update_voice',
        "Cannot update a conversation's voice if assistant audio is present.",
        eventId,
      );
      const { voice: _ignored, ...rest } = session;
      session = rest;
    }
    this.log.config = { ...this.log.config, ...session };
    const td = this.log.config.turn_detection;
    if (td) {
      this.#vad.settings = {
        threshold: td.threshold ?? DEFAULT_VAD.threshold,
        prefixPaddingMs: td.prefix_padding_ms ?? DEFAULT_VAD.prefixPaddingMs,
        silenceDurationMs: td.silence_duration_ms ?? DEFAULT_VAD.silenceDurationMs,
      };
    }
    this.#emit({ type: 'session.updated', session: { id: this.log.sessionId, ...this.log.config } });
  }

  #append(e: ClientEventOf<'input_audio_buffer.append'>): void {
    if (this.#active && this.#opts.quirks?.appendRejectedWhileResponding) {
      this.#error('invalid_state', 'audio already committed; wait for the response to finish', e.event_id);
      return;
    }
    const bad = invalidAudioReason(e.audio);
    if (bad) {
      this.#error('invalid_value', bad, e.event_id);
      return;
    }
    const pcm = decodePcm16Base64(e.audio);
    this.log.appendedSamples += pcm.length;
    this.#simLog.onAppend?.(this.log, pcm.length);
    this.#inputSamples += pcm.length;
    if (!this.log.config.turn_detection) return;
    for (const ev of this.#vad.push(pcm)) {
      if (ev.type === 'speech_started') {
        // Like OpenAI, speech_started already names the user item the turn will become.
        this.#speechItemId = id('item');
        this.#emit({
          type: 'input_audio_buffer.speech_started',
          audio_start_ms: ev.audioStartMs,
          item_id: this.#speechItemId,
        });
      } else {
        const itemId = this.#speechItemId ?? id('item');
        this.#speechItemId = undefined;
        this.#emit({
          type: 'input_audio_buffer.speech_stopped',
          audio_end_ms: ev.audioEndMs,
          item_id: itemId,
        });
        this.#commitSpan(itemId, (ev.endSample - ev.startSample) / RATE);
        this.#startResponse(undefined);
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
    this.#commitSpan(id('item'), this.#inputSamples / RATE);
  }

  #commitSpan(itemId: string, seconds: number): void {
    this.#lastHeardMs = Math.round(seconds * 1000);
    this.#inputSamples = 0;
    const text = `(${seconds.toFixed(1)} s of speech)`;
    this.log.items.push({ id: itemId, role: 'user', text, audioMs: this.#lastHeardMs });
    const transcribe = Boolean(this.log.config.input_audio_transcription);
    for (const ev of userTurnEvents(itemId, text, transcribe)) this.#emit(ev);
  }

  #startResponse(instructions: string | undefined): void {
    if (this.#active) {
      this.#error('conversation_already_has_active_response', 'Conversation already has an active response');
      return;
    }
    const voice = this.log.config.voice ?? 'unknown';
    const labels = this.#pendingLabels
      .filter((l) => /^\[[^\]]+\]$/.test(l.trim()))
      .map((l) => l.trim().slice(1, -1));
    const heardMs = this.#lastHeardMs;
    this.#pendingLabels = [];
    this.#lastHeardMs = 0;
    const { transcript, ms } = planReply(voice, labels, heardMs, this.#opts);
    const log: SimResponseLog = {
      responseId: id('resp'),
      sessionId: this.log.sessionId,
      voice,
      instructions: instructions ?? this.log.config.instructions ?? '',
      heardMs,
      labels,
      transcript,
      audioMs: ms,
      cancelled: false,
      status: 'in_progress',
    };
    this.#simLog.responses.push(log);
    const itemId = id('item');
    const audio = synthesizeSpeech(voice, ms, RATE);
    this.#assistant.set(itemId, { audioSamples: audio.length, transcript, response: log });
    this.log.items.push({ id: itemId, role: 'assistant', text: transcript });
    this.#active = {
      log,
      itemId,
      audio,
      sentSamples: 0,
      words: transcript.split(' '),
      timer: undefined,
      dropAfterFirstDelta: this.#dropNext,
    };
    this.#dropNext = undefined;
    for (const ev of responseOpeningEvents(log.responseId, itemId)) this.#emit(ev);
    this.#schedule(this.#opts.firstDeltaDelayMs ?? 20);
  }

  #schedule(ms: number): void {
    if (!this.#active) return;
    this.#active.timer = this.#io.setTimeout(() => this.#streamChunk(), ms);
  }

  #streamChunk(): void {
    const a = this.#active;
    if (!a) return;
    const chunkSamples = ((this.#opts.chunkMs ?? 100) * RATE) / 1000;
    const chunk = a.audio.subarray(a.sentSamples, a.sentSamples + chunkSamples);
    a.sentSamples += chunk.length;
    this.#voiceLocked = true;
    this.#emit({
      type: 'response.audio.delta',
      response_id: a.log.responseId,
      item_id: a.itemId,
      delta: encodePcm16Base64(chunk),
    });
    const word = a.words.shift();
    if (word !== undefined) {
      this.#emit({
        type: 'response.audio_transcript.delta',
        response_id: a.log.responseId,
        item_id: a.itemId,
        delta: `${word} `,
      });
    }
    if (a.dropAfterFirstDelta) {
      this.#io.drop(a.dropAfterFirstDelta);
      return;
    }
    if (a.sentSamples < a.audio.length) {
      const speed = this.#opts.speed ?? 4;
      this.#schedule(((chunk.length / RATE) * 1000) / speed);
    } else {
      this.#finish('completed');
    }
  }

  #finish(status: 'completed' | 'cancelled'): void {
    const a = this.#active;
    if (!a) return;
    this.#io.clearTimeout(a.timer);
    this.#active = undefined;
    const r = a.log.responseId;
    a.log.status = status;
    const item = this.#assistant.get(a.itemId);
    const transcript = item?.transcript ?? '';
    const outMs = Math.round((a.sentSamples / RATE) * 1000);
    for (const ev of responseClosingEvents(r, a.itemId, transcript, status, a.log.heardMs, outMs)) {
      this.#emit(ev);
    }
    this.#simLog.onResponseDone?.(a.log);
  }

  #cancel(): void {
    const a = this.#active;
    if (!a) {
      this.#error('response_cancel_not_active', 'Cancellation failed: no active response found');
      return;
    }
    a.log.cancelled = true;
    if (this.#opts.quirks?.cancelIgnored) return;
    this.#finish('cancelled');
  }

  #truncate(e: ClientEventOf<'conversation.item.truncate'>): void {
    const item = this.#assistant.get(e.item_id);
    if (!item) {
      this.#error('item_not_found', `Item with item_id '${e.item_id}' not found`, e.event_id);
      return;
    }
    const bad = truncateItem(item, e.audio_end_ms, RATE);
    if (bad) {
      this.#error('invalid_value', bad, e.event_id);
      return;
    }
    item.response.truncatedAtMs = e.audio_end_ms;
    const logged = this.log.items.find((i) => i.id === e.item_id);
    if (logged) logged.text = item.transcript;
    this.#emit({ type: 'conversation.item.truncated', item_id: e.item_id, audio_end_ms: e.audio_end_ms });
  }

  #error(code: string, message: string, eventId?: string): void {
    const type = 'invalid_request_error';
    this.#simLog.errors.push({ sessionId: this.log.sessionId, code, message });
    this.log.counters.errors++;
    this.#emit({ type: 'error', error: { type, code, message, param: null, event_id: eventId ?? null } });
  }

  #emit(event: KnownServerEvent): void {
    const text = encodeServerEvent(event);
    this.log.counters.sent++;
    if (this.#stalledUntilFlush) this.#stalledUntilFlush.push(text);
    else this.#io.send(text);
  }
}
