import { encodePcm16Base64 } from '../audio/pcm16-base64.ts';
import {
  type ClientEvent,
  encodeClientEvent,
  type KnownServerEvent,
  type WireData,
} from '../protocol/index.ts';
import type { ProviderProfile } from '../provider/profiles.ts';
import type { RealtimeTransport, TransportCloseInfo } from '../transport/types.ts';
import { createWsTransport } from '../transport/ws-transport.ts';
import { TypedEmitter } from '../util/typed-emitter.ts';
import { AudioOutbox } from './audio-outbox.ts';
import { defaultBackoff } from './backoff.ts';
import { type Clock, type Logger, silentLogger, systemClock } from './clock.ts';
import { ProtocolDiagnostics, type ProtocolProblem } from './diagnostics.ts';
import { RealtimeError } from './errors.ts';
import { classifyServerError } from './failures.ts';
import { ConversationHistory, type HistoryRole } from './history.ts';
import { decodeFrame, outOfOrder } from './inbound.ts';
import { decideAfterClose, describeClose } from './reconnect-policy.ts';
import { ReplyTracker } from './reply-tracker.ts';
import { ConfigCheck, type SessionPolicy, sessionPolicy, untilReady } from './session-setup.ts';
import { sessionUpdateEvent } from './session-wire.ts';
import type { RealtimeSessionEvents, RealtimeSessionOptions, SessionConfig, SessionState } from './types.ts';

export type { RealtimeSessionOptions } from './types.ts';

/** Why the session is opening a new connection. */
export type ConnectReason = 'initial' | 'reconnect' | 'rollover' | 'voice' | 'reset';

/**
 * One persona-bound conversation with a realtime speech model, across as many connections as
 * it takes: drops, the provider's session cap and voice switches open new ones with the
 * conversation replayed as text. All I/O and time come in through the options.
 */
export class RealtimeSession extends TypedEmitter<RealtimeSessionEvents> {
  #state: SessionState = { status: 'idle' };
  #config: SessionConfig;
  readonly #opts: RealtimeSessionOptions;
  readonly #profile: ProviderProfile;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #random: () => number;
  readonly #history: ConversationHistory;
  readonly #outbox: AudioOutbox;
  readonly #diagnostics: ProtocolDiagnostics;
  readonly #replies: ReplyTracker;
  readonly #policy: SessionPolicy;
  readonly #configCheck: ConfigCheck;
  #appendsRejected = false;
  #rolloverDue = false;
  /** The id in this connection's session.created, to tell its re-announcement from a stray one. */
  #sessionId: string | undefined;
  #pendingReason: ConnectReason = 'initial';

  constructor(options: RealtimeSessionOptions) {
    super();
    this.#opts = options;
    this.#config = { ...options.config };
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#policy = sessionPolicy(options, this.#log);
    this.#profile = this.#policy.profile;
    this.#configCheck = new ConfigCheck(this.#profile, this.#log);
    this.#configCheck.check(this.#config);
    this.#random = options.random ?? Math.random;
    this.#outbox = new AudioOutbox((this.sampleRate * (options.maxHeldAudioMs ?? 3000)) / 1000);
    this.#history = new ConversationHistory(options.history);
    this.#diagnostics = new ProtocolDiagnostics(this.#log, this.#clock, options.diagnostics);
    this.#replies = new ReplyTracker(
      this.#history,
      (event, ...args) => this.emit(event, ...args),
      (problem) => this.#problem(problem),
    );
    this.onListenerError = (err, event) => this.#log.error({ err, event }, 'realtime session listener threw');
  }

  get state(): SessionState {
    return this.#state;
  }

  get config(): Readonly<SessionConfig> {
    return this.#config;
  }

  get sampleRate(): number {
    return this.#config.sampleRate ?? 24_000;
  }

  get history(): ConversationHistory {
    return this.#history;
  }

  /** Counts of the protocol problems the server caused (each is logged once, repeats summarised). */
  get diagnostics(): ProtocolDiagnostics {
    return this.#diagnostics;
  }

  /** Microphone samples discarded because they could not be sent in time. */
  get droppedInputSamples(): number {
    return this.#outbox.droppedSamples;
  }

  get responding(): boolean {
    return this.#replies.active !== undefined;
  }

  /** Opens the first connection; resolves when the server has accepted the session. */
  connect(): Promise<void> {
    if (this.#state.status !== 'idle')
      return Promise.reject(new Error(`connect() called in state ${this.#state.status}`));
    const ready = untilReady(this);
    this.#open('initial', 0);
    return ready;
  }

  /** Applies new settings. A new voice after the first audio reply means a new connection, history replayed. */
  async update(patch: Partial<SessionConfig>): Promise<{ newConnection: boolean }> {
    const voiceChanged = patch.voice !== undefined && patch.voice !== this.#config.voice;
    this.#configCheck.check({ ...this.#config, ...patch });
    this.#config = { ...this.#config, ...patch };
    if (voiceChanged && this.#replies.voiceLocked && !this.#profile.voiceMutableAfterAudio) {
      await this.#reopen('voice');
      return { newConnection: true };
    }
    if (this.#state.status === 'ready') this.#send(sessionUpdateEvent(this.#config, this.#profile));
    return { newConnection: false };
  }

  /** Streams microphone audio (PCM16 mono at `sampleRate`). */
  appendAudio(pcm: Int16Array): void {
    if (pcm.length === 0 || this.#state.status === 'closed') return;
    if (this.#state.status !== 'ready' || this.#holdAppends()) {
      this.#outbox.push(pcm);
      return;
    }
    this.#send({ type: 'input_audio_buffer.append', audio: encodePcm16Base64(pcm) });
  }

  commit(): void {
    this.#sendIfReady({ type: 'input_audio_buffer.commit' });
  }

  clear(): void {
    this.#outbox.clear();
    this.#sendIfReady({ type: 'input_audio_buffer.clear' });
  }

  /** The provider honours `instructions` in response.create (its profile's `responseInstructions`). */
  get perResponseInstructions(): boolean {
    return this.#profile.responseInstructions;
  }

  /** New instructions from now on (a session.update: never a new connection). */
  setInstructions(instructions: string): void {
    void this.update({ instructions });
  }

  createResponse(options: { instructions?: string } = {}): void {
    this.#sendIfReady({ type: 'response.create', response: options.instructions ? options : {} });
  }

  /** Stops the reply in flight. Deltas already on the wire for it are dropped locally either way. */
  cancelResponse(): void {
    if (this.#replies.cancelActive() === undefined) return;
    if (this.#profile.cancelSupported) this.#sendIfReady({ type: 'response.cancel' });
  }

  /** Tells the server (and the local history) how much of a reply the listeners actually heard. */
  truncate(itemId: string, audioEndMs: number): void {
    const ms = Math.max(0, Math.round(audioEndMs));
    this.#history.truncate(itemId, ms, this.sampleRate);
    if (this.#state.status === 'ready') this.#replies.expectTruncation(itemId);
    this.#sendIfReady({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: ms,
    });
  }

  /** Adds a text item (e.g. a `[Alice]` speaker label or a system note) to the conversation. */
  addText(role: HistoryRole, text: string): void {
    this.#history.add({ role, text });
    const content = [{ type: role === 'assistant' ? ('text' as const) : ('input_text' as const), text }];
    this.#sendIfReady({ type: 'conversation.item.create', item: { type: 'message', role, content } });
  }

  /** Forgets the conversation: a fresh connection with nothing replayed. */
  async reset(): Promise<void> {
    this.#history.clear();
    await this.#reopen('reset');
  }

  close(): void {
    this.#setState({ status: 'closed' });
    this.#diagnostics.dispose();
  }

  // ---- connection lifecycle -------------------------------------------------------------

  #open(reason: ConnectReason, attempt: number): void {
    const url = new URL(this.#opts.url);
    url.searchParams.set('model', this.#policy.failure.model);
    const factory = this.#opts.transportFactory ?? createWsTransport;
    const transport = factory({
      url: url.toString(),
      headers: { Authorization: `Bearer ${this.#opts.apiKey}` },
    });
    const timeout = this.#clock.setTimeout(() => {
      this.#log.warn({ reason }, 'realtime server did not confirm the session in time');
      transport.close(4000, 'ready timeout');
    }, this.#opts.readyTimeoutMs ?? 15_000);
    this.#pendingReason = reason;
    this.#setState({ status: 'connecting', transport, attempt, timeout });
    transport.on('message', (data) => this.#onMessage(transport, data));
    transport.on('error', (err) => this.#log.debug({ err: err.message }, 'realtime transport error'));
    transport.on('close', (info) => this.#onClose(transport, info));
    transport.on('open', () =>
      this.#log.debug({ traceId: transport.traceId, reason }, 'realtime socket open'),
    );
    transport.connect();
  }

  #onReady(transport: RealtimeTransport): void {
    const reason = this.#pendingReason;
    const since = this.#clock.now();
    const rollover = this.#clock.setTimeout(
      () => this.#onRolloverDue(),
      this.#profile.maxSessionMs - this.#profile.rolloverMarginMs,
    );
    this.#rolloverDue = false; // a rollover owed by the previous connection is paid by this one
    this.#setState({ status: 'ready', transport, since, rollover });
    this.#replies.traceId = transport.traceId;
    this.#send(sessionUpdateEvent(this.#config, this.#profile));
    if (reason !== 'initial' && reason !== 'reset')
      for (const e of this.#history.replayEvents()) this.#send(e);
    this.#flushOutbox();
    this.#log.info({ traceId: transport.traceId, reason }, 'realtime session ready');
    if (reason === 'rollover') this.emit('rolledOver');
    else if (reason !== 'initial') this.emit('reconnected', { reason });
  }

  #onClose(transport: RealtimeTransport, info: TransportCloseInfo): void {
    const s = this.#state;
    if (s.status === 'closed' || !('transport' in s) || s.transport !== transport) return;
    const wasReady = s.status === 'ready';
    const context = { ...this.#policy, backoff: this.#opts.backoff ?? defaultBackoff, random: this.#random };
    const decision = decideAfterClose(
      info,
      { wasReady, attempt: wasReady ? 0 : s.attempt },
      { ...context, now: this.#clock.now() },
    );
    if (decision.kind === 'fail') {
      this.#log.error({ code: decision.error.code, httpStatus: info.httpStatus }, decision.error.message);
      this.#fail(decision.error);
      return;
    }
    this.#log.warn({ close: describeClose(info), delayMs: decision.delayMs }, 'realtime connection lost');
    const timer = this.#clock.setTimeout(() => this.#open('reconnect', decision.attempt), decision.delayMs);
    this.#setState({ status: 'reconnecting', attempt: decision.attempt, timer });
    this.emit('error', decision.notice);
  }

  async #reopen(reason: ConnectReason): Promise<void> {
    if (this.#state.status === 'closed')
      throw new RealtimeError('closed', 'session is closed', { recoverable: false });
    const ready = untilReady(this);
    this.#open(reason, 0);
    await ready;
  }

  #onRolloverDue(): void {
    if (this.#replies.active) {
      this.#rolloverDue = true;
      return;
    }
    this.#rolloverDue = false;
    this.#open('rollover', 0);
  }

  #fail(error: RealtimeError): void {
    // Closed first: a listener that reacts to the error by closing the session must not replace
    // the error the session closed with (connect() rejects with it).
    this.#setState({ status: 'closed', error });
    this.emit('error', error);
  }

  /** The one place state changes: it releases whatever the old state held. */
  #setState(next: SessionState): void {
    const prev = this.#state;
    if (prev.status === 'closed') return;
    if (prev.status === 'connecting') this.#clock.clearTimeout(prev.timeout);
    if (prev.status === 'ready') this.#clock.clearTimeout(prev.rollover);
    if (prev.status === 'reconnecting') this.#clock.clearTimeout(prev.timer);
    const prevTransport = 'transport' in prev ? prev.transport : undefined;
    const nextTransport = 'transport' in next ? next.transport : undefined;
    this.#state = next;
    if (prevTransport && prevTransport !== nextTransport) {
      prevTransport.close(1000, 'replaced');
      // Listeners hear about a reply cut off by a lost or replaced connection, not by close().
      this.#replies.endConnection(next.status !== 'closed');
    }
    if (next.status === 'closed') this.#outbox.clear();
    this.emit('stateChange', next, prev);
  }

  // ---- wire ------------------------------------------------------------------------------

  #send(event: ClientEvent): void {
    if (this.#state.status === 'ready') this.#state.transport.send(encodeClientEvent(event));
  }

  #sendIfReady(event: ClientEvent): void {
    if (this.#state.status === 'ready') this.#send(event);
    else
      this.#log.debug({ type: event.type, state: this.#state.status }, 'dropped event while not connected');
  }

  #holdAppends(): boolean {
    const rejected = !this.#profile.appendWhileResponding || this.#appendsRejected;
    return this.#replies.active !== undefined && rejected;
  }

  #flushOutbox(): void {
    if (this.#state.status !== 'ready' || this.#holdAppends()) return;
    for (const chunk of this.#outbox.drain())
      this.#send({ type: 'input_audio_buffer.append', audio: encodePcm16Base64(chunk) });
  }

  /** One frame from the server. Nothing it contains may throw out of here: it would crash the process. */
  #onMessage(transport: RealtimeTransport, data: WireData): void {
    const s = this.#state;
    if (!('transport' in s) || s.transport !== transport) return;
    const { event, problem } = decodeFrame(data, this.#opts.maxEventBytes);
    if (problem) this.#problem(problem);
    if (!event) return;
    try {
      if (event.type !== 'unknown') this.#handle(transport, event);
    } catch (err) {
      const detail = `handling ${event.type} threw: ${(err as Error)?.message ?? String(err)}`;
      this.#problem({ kind: 'handler_threw', eventType: event.type, detail, signature: detail });
    }
    this.emit('serverEvent', event);
  }

  /** Logs the problem once (repeats are counted); a first fault also reaches 'error' listeners. */
  #problem(problem: ProtocolProblem): void {
    if (!this.#diagnostics.report(problem) || problem.kind === 'unknown_event_type') return;
    this.emit('error', new RealtimeError('protocol_invalid_event', problem.detail, { recoverable: true }));
  }

  #handle(transport: RealtimeTransport, e: KnownServerEvent): void {
    switch (e.type) {
      case 'session.created':
        if (this.#state.status === 'connecting') {
          this.#sessionId = e.session.id;
          this.#onReady(transport);
        }
        // The reference's session.updated sample is typed session.created (no id): read as an update.
        else if (e.session.id !== undefined && e.session.id !== this.#sessionId)
          this.#problem(outOfOrder(e.type, 'duplicate', 'the session on this connection already started'));
        return;
      case 'error': {
        const classified = classifyServerError(e, this.#policy.failure);
        if (classified.appendRejected) {
          this.#appendsRejected = true;
          this.#log.info({}, 'server rejects appends while responding; holding audio until the reply ends');
        }
        if (classified.error.recoverable) this.emit('error', classified.error);
        else this.#fail(classified.error);
        return;
      }
      case 'input_audio_buffer.speech_started':
        this.emit('speechStarted', { itemId: e.item_id, audioStartMs: e.audio_start_ms });
        return;
      case 'input_audio_buffer.speech_stopped':
        this.emit('speechStopped', { itemId: e.item_id, audioEndMs: e.audio_end_ms });
        return;
      case 'input_audio_buffer.committed':
        this.emit('committed', { itemId: e.item_id });
        return;
      case 'conversation.item.input_audio_transcription.completed':
        this.#history.add({ role: 'user', text: e.transcript, itemId: e.item_id });
        this.emit('transcript', { role: 'user', itemId: e.item_id, text: e.transcript, final: true });
        return;
      default:
        if (this.#replies.handle(e)) {
          this.#flushOutbox();
          if (this.#rolloverDue) this.#onRolloverDue();
        }
    }
  }
}
