// One conversation: people speak (labelled PCM in), a character answers (timed frames out). The
// room decides who holds the floor, what is held for whoever waits, when a turn closes, when a
// speaker interrupts a reply, and who said what; the model sessions, the sink and the clock are
// injected, so every rule runs in a unit test in milliseconds. Its transport (Discord, a web
// page, a phone line) only decodes what it receives and encodes what it is handed.
import { MODEL_RATE } from '../audio/frames.ts';
import { samplesToMs } from '../audio/pcm.ts';
import type { Clock } from '../session/clock.ts';
import { TypedEmitter } from '../util/typed-emitter.ts';
import { listenToCastMember } from './cast-listener.ts';
import type { CastMember, ModelTranscript, RoomEndReason, RoomEvents } from './ports.ts';
import { PromptQueue } from './prompt-queue.ts';
import type { Reply } from './reply.ts';
import { ReplyPlayer } from './reply-player.ts';
import {
  DEFAULT_ROOM_TUNING,
  type RoomOptions,
  type RoomState,
  type RoomStatus,
  type RoomTuning,
  type SpeakerFrame,
} from './room-options.ts';
import { FALLBACK_SPEAKER_NAME, SpeakerLabels } from './speaker-labels.ts';
import { type Speaker, SpeakerTable } from './speakers.ts';
import { TranscriptAttribution } from './transcript-attribution.ts';
import { TurnLatencyClock } from './turn-latency.ts';
import { UsageMeter } from './usage-meter.ts';

export class Room extends TypedEmitter<RoomEvents> {
  #state: RoomState = { status: 'quiet' };
  readonly #cast: readonly CastMember[];
  readonly #clock: Clock;
  readonly #tuning: RoomTuning;
  readonly #modelRate: number;
  readonly #policy: (speakerId: string) => boolean;
  /** Speakers opted out through `optOut()`, whatever the policy says. */
  readonly #optedOut = new Set<string>();
  readonly #speakers = new SpeakerTable();
  readonly #labels: SpeakerLabels;
  readonly #attribution = new Map<CastMember, TranscriptAttribution>();
  readonly #latency: TurnLatencyClock;
  readonly #usage = new UsageMeter();
  readonly #player: ReplyPlayer;
  readonly #trailingSilence: Int16Array;
  readonly #unwire: (() => void)[] = [];
  readonly #usageTimer: unknown;
  readonly #prompts = new PromptQueue();
  /** Armed while someone waits for the floor: passes it at the holder's hangover even if no frame comes. */
  #floorCheck: unknown;
  bargeIns = 0;
  underruns = 0;
  droppedHeldMs = 0;

  constructor(options: RoomOptions) {
    super();
    if (options.cast.length !== 1)
      throw new RangeError(
        `a room plays exactly one character for now (got ${options.cast.length}); ensemble scenes are not built yet`,
      );
    this.#cast = [...options.cast];
    this.#clock = options.clock;
    this.#tuning = { ...DEFAULT_ROOM_TUNING, ...options.tuning };
    this.#modelRate = options.modelRate ?? MODEL_RATE;
    this.#policy = options.isOptedOut ?? (() => false);
    this.#labels = new SpeakerLabels(() => this.#cast.map((c) => c.name));
    this.#latency = new TurnLatencyClock(() => this.#clock.now());
    this.#trailingSilence = new Int16Array(
      Math.round((this.#modelRate * this.#tuning.trailingSilenceMs) / 1000),
    );
    this.#player = new ReplyPlayer({
      sink: options.sink,
      clock: options.clock,
      output: options.output ?? { sampleRate: this.#modelRate, channels: 1 },
      modelRate: this.#modelRate,
      preRollFrames: this.#tuning.preRollFrames,
      maxAheadMs: this.#tuning.maxAheadMs,
      maxMissedFrames: this.#tuning.maxMissedFrames,
      listener: {
        replyCreated: () => this.#latency.firstAudio(),
        started: (reply) => this.#onReplyStarted(reply),
        ended: (report) => {
          this.underruns += report.underruns;
          this.#flushUsage();
        },
        bargeInSettled: (e) => this.emit('bargeIn', e),
      },
    });
    const { logger } = options;
    // A listener's bug is the listener's: logged, it never breaks the conversation (or the process).
    if (logger)
      this.onListenerError = (err, event) => logger.error({ err, event }, 'room event listener threw');
    for (const member of this.#cast) this.#wire(member);
    this.#usageTimer = this.#clock.setInterval(() => this.#flushUsage(), this.#tuning.usageFlushMs);
  }

  get state(): RoomState {
    return this.#state;
  }

  get cast(): readonly CastMember[] {
    return this.#cast;
  }

  /** Introduces a speaker (or renames one): their label is derived from `displayName`. */
  addSpeaker(speakerId: string, displayName: string): void {
    this.#speakers.ensure(speakerId, displayName);
  }

  /** A frame of a speaker's audio, in any supported rate and channel count. */
  hear(speakerId: string, frame: SpeakerFrame): void {
    if (this.#state.status === 'ended') return;
    const s = this.#speakers.ensure(speakerId);
    s.speaking = true;
    if (this.#isOptedOut(s.id)) {
      this.#silence(s);
      return;
    }
    const pcm = s.toModel(frame, this.#modelRate);
    if (pcm.length === 0) return;
    const now = this.#clock.now();
    s.heard(now, samplesToMs(pcm.length, this.#modelRate), this.#tuning.hangoverMs);
    const holder = this.#state.status === 'turn' ? this.#state.speaker : undefined;
    // The holder's frames stopped arriving (e.g. they stopped decoding) without their stream ending.
    if (holder && holder !== s && now - holder.lastFrameAt > this.#tuning.hangoverMs) this.#passFloor();
    if (this.#state.status === 'quiet') this.#set(this.#turnOf(s));
    // Read afresh: passing the floor emits events, and a listener may have ended the room.
    const st = this.#current();
    if (st.status === 'ended') return;
    if (st.status !== 'turn' || st.speaker !== s) {
      this.droppedHeldMs += s.hold(pcm, this.#modelRate, now, this.#tuning.maxHeldMs);
      this.#armFloorCheck();
      return;
    }
    this.#send(pcm);
    if (frame.receivedAt !== undefined) s.lastInboundMs = this.#clock.now() - frame.receivedAt;
    if (this.#player.active && s.burstMs >= this.#tuning.bargeInMinSpeechMs) this.interrupt();
  }

  /** The speaker's transport says they stopped (end of utterance, or a broken stream). */
  speakerStopped(speakerId: string): void {
    const s = this.#speakers.get(speakerId);
    if (!s || this.#state.status === 'ended') return;
    s.speaking = false;
    if (this.#state.status === 'turn' && this.#state.speaker === s) this.#passFloor();
  }

  /** Opts a speaker out at once: what is held for them is dropped, their open turn closed, nothing more sent. */
  optOut(speakerId: string): void {
    this.#optedOut.add(speakerId);
    const s = this.#speakers.get(speakerId);
    if (s) this.#silence(s);
  }

  /** Undoes `optOut()` (the injected policy still applies). */
  optIn(speakerId: string): void {
    this.#optedOut.delete(speakerId);
  }

  /**
   * Asks a character to speak, e.g. to greet the room or announce something in character: now, or
   * once the reply its model is producing ends (a model refuses a second reply while one is in progress).
   */
  prompt(instruction: string, character: CastMember = this.#cast[0]!): void {
    if (this.#state.status !== 'ended' && this.#prompts.admit(character, instruction))
      character.model.createResponse({ instructions: instruction });
  }

  /**
   * Barge-in: no further frame of any reply reaches the sink, replies in flight are cancelled, and
   * each is truncated at what the listeners heard. The room calls it when a speaker talks over a
   * character; an owner may call it too (e.g. before forgetting the conversation).
   */
  interrupt(): void {
    if (this.#player.interrupt(this.#cast)) this.bargeIns++;
  }

  /** Ends the room once: playback stops, usage is flushed, `ended` is emitted. */
  end(reason: RoomEndReason, message?: string, modelError?: string): void {
    this.#set({
      status: 'ended',
      reason,
      ...(message === undefined ? {} : { message }),
      ...(modelError === undefined ? {} : { modelError }),
    });
  }

  status(): RoomStatus {
    const st = this.#state;
    this.#usage.setOutput(this.#player.playedMs);
    return {
      state: st.status,
      floor: st.status === 'turn' ? st.label : undefined,
      speakers: [...this.#speakers.all()].map((s) => ({
        id: s.id,
        label: this.#labels.assigned(s.id),
        speaking: s.speaking,
        frames: s.frames,
        heldMs: s.heldMs,
        optedOut: this.#isOptedOut(s.id),
      })),
      playback: this.#player.pacerStatus,
      usage: this.#usage.total,
      turns: this.#latency.recent,
      bargeIns: this.bargeIns,
      underruns: this.underruns,
      droppedHeldMs: this.droppedHeldMs,
      aheadMs: this.#player.bufferedMs,
      overflowMs: this.#player.overflowMs,
      pendingAttributions: [...this.#attribution.values()].reduce((n, a) => n + a.pending, 0),
    };
  }

  // ---- the floor ---------------------------------------------------------------------------

  /** The one place the state changes: closing a turn, opening one and ending all happen here. */
  #set(next: RoomState): void {
    const prev = this.#state;
    if (prev.status === 'ended') return;
    this.#state = next;
    if (prev.status === 'turn' && next.status !== 'ended') this.#closeTurn(prev.speaker, prev.label);
    if (next.status === 'turn') this.#openTurn(next.speaker, next.label);
    if (next.status === 'ended') this.#shutDown(next);
  }

  /** The state, unnarrowed (TypeScript keeps a narrowing across calls that may change it). */
  #current(): RoomState {
    return this.#state;
  }

  #turnOf(s: Speaker): RoomState {
    const label = this.#labels.labelFor(s.id, s.displayName);
    return { status: 'turn', speaker: s, label, since: this.#clock.now() };
  }

  /**
   * Closes the open turn and hands the floor to whoever has waited longest, sending what was held
   * for them; a speaker who already stopped gets a complete turn at once, and the floor moves on.
   */
  #passFloor(): void {
    for (;;) {
      const next = this.#longestWaiting();
      if (!next) {
        this.#set({ status: 'quiet' });
        return;
      }
      this.#set(this.#turnOf(next));
      if (next.speaking || this.#current().status !== 'turn') return;
    }
  }

  /**
   * While someone waits, checks the floor when the holder's hangover runs out: a holder whose frames
   * stopped without their stream ending (undecodable packets) must not keep a speaker who has
   * already finished waiting until someone else happens to talk.
   */
  #armFloorCheck(): void {
    const st = this.#state;
    if (this.#floorCheck !== undefined || st.status !== 'turn') return;
    const due = st.speaker.lastFrameAt + this.#tuning.hangoverMs + 1 - this.#clock.now();
    this.#floorCheck = this.#clock.setTimeout(
      () => {
        this.#floorCheck = undefined;
        const now = this.#current();
        if (now.status !== 'turn' || !this.#speakers.longestWaiting()) return;
        if (this.#clock.now() - now.speaker.lastFrameAt > this.#tuning.hangoverMs) this.#passFloor();
        if (this.#speakers.longestWaiting()) this.#armFloorCheck();
      },
      Math.max(0, due),
    );
  }

  /** The speaker who has waited longest, purging anyone opted out since they were held. */
  #longestWaiting(): Speaker | undefined {
    for (let s = this.#speakers.longestWaiting(); s; s = this.#speakers.longestWaiting()) {
      if (!this.#isOptedOut(s.id)) return s;
      s.takeHeld();
    }
    return undefined;
  }

  #openTurn(s: Speaker, label: string): void {
    for (const { model } of this.#cast) model.addText('user', `[${label}]`);
    this.#latency.begin(label);
    for (const a of this.#attribution.values()) a.turnOpened(label);
    for (const pcm of s.takeHeld()) this.#send(pcm);
  }

  #closeTurn(s: Speaker, label: string): void {
    const step = this.#modelRate / 50; // 20 ms, the size a live speaker's frames come in
    for (let at = 0; at < this.#trailingSilence.length; at += step)
      for (const { model } of this.#cast) model.appendAudio(this.#trailingSilence.subarray(at, at + step));
    this.#latency.speechEnded();
    for (const a of this.#attribution.values()) a.turnClosed(label);
    if (s.lastInboundMs !== undefined) this.emit('inbound', { speakerId: s.id, ms: s.lastInboundMs });
  }

  #send(pcm: Int16Array): void {
    for (const { model } of this.#cast) model.appendAudio(pcm);
    this.#usage.addInput(samplesToMs(pcm.length, this.#modelRate));
  }

  #isOptedOut(speakerId: string): boolean {
    return this.#optedOut.has(speakerId) || this.#policy(speakerId);
  }

  /**
   * Nothing more of an opted-out speaker goes out: held audio dropped; an open turn of theirs is
   * cleared from the model's uncommitted input (it holds only the floor holder's audio) and closed.
   */
  #silence(s: Speaker): void {
    s.takeHeld();
    if (this.#state.status !== 'turn' || this.#state.speaker !== s) return;
    for (const { model } of this.#cast) model.clear();
    this.#passFloor();
  }

  // ---- the cast ----------------------------------------------------------------------------

  #wire(member: CastMember): void {
    const attribution = new TranscriptAttribution(FALLBACK_SPEAKER_NAME);
    this.#attribution.set(member, attribution);
    const unlisten = listenToCastMember(member, {
      audio: (pcm, meta) => {
        if (this.#state.status !== 'ended') this.#player.audio(member, pcm, meta);
      },
      audioDone: (meta) => this.#player.finished(member, meta.responseId),
      responseCreated: () => this.#prompts.started(member),
      responseDone: (e) => {
        const next = this.#prompts.finished(member);
        this.#player.finished(member, e.responseId);
        this.#flushUsage();
        if (next !== undefined) this.prompt(next, member);
      },
      committed: (e) => {
        this.#latency.committed();
        attribution.committed(e.itemId);
      },
      transcript: (t) => this.#onTranscript(member, attribution, t),
      error: (e) => {
        if (!e.recoverable) this.end('error', e.message, e.code);
      },
    });
    this.#unwire.push(unlisten);
  }

  #onTranscript(member: CastMember, attribution: TranscriptAttribution, t: ModelTranscript): void {
    if (!t.final) return;
    const text = t.text.trim();
    if (t.role === 'assistant') {
      if (text)
        this.emit('transcript', { role: 'assistant', speaker: member.name, text, character: member.name });
      return;
    }
    // Forgotten even when empty: an empty transcript must not leave its item behind.
    const speaker = attribution.speakerOf(t.itemId);
    // Every cast member transcribes the same speech; the first one's transcript is the room's.
    if (text && member === this.#cast[0])
      this.emit('transcript', { role: 'user', speaker, text, character: member.name });
  }

  #onReplyStarted(reply: Reply): void {
    const ms = this.#clock.now() - reply.createdAt;
    this.emit('replyStarted', { responseId: reply.responseId, character: reply.character.name, ms });
    const latency = this.#latency.firstFrame();
    if (latency) this.emit('turn', latency);
  }

  #flushUsage(): void {
    this.#usage.setOutput(this.#player.playedMs);
    const delta = this.#usage.take();
    if (delta) this.emit('usage', delta);
  }

  #shutDown(ended: Extract<RoomState, { status: 'ended' }>): void {
    this.#player.close();
    this.#clock.clearInterval(this.#usageTimer);
    this.#clock.clearTimeout(this.#floorCheck);
    for (const unwire of this.#unwire.splice(0)) unwire();
    this.#flushUsage();
    this.emit('ended', {
      reason: ended.reason,
      ...(ended.message === undefined ? {} : { message: ended.message }),
      ...(ended.modelError === undefined ? {} : { modelError: ended.modelError }),
    });
  }
}
